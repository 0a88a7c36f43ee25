package cli_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// hostileKey holds the script's hostile server.
type hostileKey struct{}

type hostileState struct {
	mu   sync.Mutex
	mode string
	hits int
	url  string
}

// hostile MODE: answer every STS, SSO OIDC, SSO portal and federation
// request from one local server that misbehaves as MODE says, and point
// assume at it (AWS_ENDPOINT_URL_STS, _SSO, _SSO_OIDC,
// ASSUME_SIGNIN_ENDPOINT; $HOSTILE is its URL). A later call changes the
// mode. Modes:
//
//	xml       200 with malformed XML / JSON
//	html      200 with an HTML page (a captive portal: wrong content type)
//	huge      200 with an endless body
//	drip      200, then one byte a second
//	reset     the connection is reset before any answer
//	500       HTTP 500 InternalFailure, always
//	429       HTTP 429 / 400 Throttling, always
//	expired   valid credentials that expired an hour ago
//	future    valid credentials that expire in the year 9999
//
// hostile hits N: the server was asked exactly N times since the last mode
// change.
func cmdHostile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: hostile MODE | hostile hits N")
	}
	st, _ := ts.Value(hostileKey{}).(*hostileState)
	if args[0] == "hits" {
		if st == nil || len(args) != 2 {
			ts.Fatalf("usage: hostile hits N (after hostile MODE)")
		}
		st.mu.Lock()
		got := st.hits
		st.mu.Unlock()
		if fmt.Sprint(got) != args[1] {
			ts.Fatalf("hostile server was asked %d times, want %s", got, args[1])
		}
		return
	}
	if st == nil {
		ts.Fatalf("hostile: no state (Setup)")
	}
	st.mu.Lock()
	st.mode, st.hits = args[0], 0
	first := st.url == ""
	st.mu.Unlock()
	if first {
		srv := httptest.NewServer(st)
		ts.Defer(srv.Close)
		st.url = srv.URL
	}
	ts.Setenv("HOSTILE", st.url)
	for _, k := range []string{"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_SIGNIN"} {
		ts.Setenv(k, st.url)
	}
	ts.Setenv("ASSUME_SIGNIN_ENDPOINT", st.url+"/federation")
}

func (st *hostileState) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st.mu.Lock()
	mode := st.mode
	st.hits++
	st.mu.Unlock()
	r.ParseForm()
	sts := r.Method == http.MethodPost && r.Form.Get("Action") != ""
	portal := strings.HasPrefix(r.URL.Path, "/federation/credentials") || strings.HasPrefix(r.URL.Path, "/assignment/")
	switch mode {
	case "xml":
		if sts {
			w.Header().Set("Content-Type", "text/xml")
			fmt.Fprint(w, "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA</Acc")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"roleCredentials": {"accessKeyId": "ASIA", `)
	case "html":
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!DOCTYPE html><html><body><h1>Welcome to Hotel WiFi</h1><p>Please accept the terms.</p></body></html>")
	case "huge":
		w.Header().Set("Content-Type", "text/xml")
		chunk := []byte(strings.Repeat("<x>", 16<<10))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	case "drip":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusOK)
		for i := 0; i < 120; i++ {
			if _, err := w.Write([]byte("<")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(time.Second):
			}
		}
	case "reset":
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0) // RST, not FIN
			}
			conn.Close()
		}
	case "500":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>boom</Message></Error></ErrorResponse>`)
	case "429":
		if sts {
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", "TooManyRequestsException")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"message": "Rate exceeded"}`)
	case "expired", "future":
		exp := time.Now().Add(-time.Hour).UTC()
		if mode == "future" {
			exp = time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC)
		}
		switch {
		case sts:
			w.Header().Set("Content-Type", "text/xml")
			fmt.Fprintf(w, `<%[1]sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><%[1]sResult>
<Credentials><AccessKeyId>ASIAHOSTILE000000001</AccessKeyId><SecretAccessKey>hostile-secret</SecretAccessKey>
<SessionToken>hostile-token</SessionToken><Expiration>%[2]s</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::222222222222:assumed-role/dev/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
</%[1]sResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></%[1]sResponse>`, r.Form.Get("Action"), exp.Format(time.RFC3339))
		case portal:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"roleCredentials":{"accessKeyId":"ASIAHOSTILE000000001","secretAccessKey":"hostile-secret","sessionToken":"hostile-token","expiration":%d}}`, exp.UnixMilli())
		default:
			http.NotFound(w, r)
		}
	default:
		http.Error(w, "unknown hostile mode "+mode, http.StatusTeapot)
	}
}
