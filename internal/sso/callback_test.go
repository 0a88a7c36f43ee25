package sso

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// callbackGet sends one request to the loopback listener with the given
// Host and headers and returns the status (0: the connection failed).
func callbackGet(t *testing.T, lb *loopback, host, query string, header map[string]string) int {
	t.Helper()
	u, _ := url.Parse(lb.redirectURI)
	req, err := http.NewRequest(http.MethodGet, lb.redirectURI+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	} else {
		req.Host = u.Host
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	cl := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := cl.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestLoopbackRefusals(t *testing.T) {
	lb, err := listenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	defer lb.close()
	state := lb.cb.state
	port := strings.TrimPrefix(lb.redirectURI[strings.LastIndex(lb.redirectURI, ":"):], ":")
	port = strings.TrimSuffix(port, callbackPath)
	good := "?code=CODE&state=" + state
	for _, tt := range []struct {
		name   string
		host   string
		query  string
		header map[string]string
		want   int
	}{
		{"missing state", "", "?code=CODE", nil, http.StatusBadRequest},
		{"wrong state", "", "?code=CODE&state=" + strings.Repeat("0", len(state)), nil, http.StatusBadRequest},
		{"no code", "", "?state=" + state, nil, http.StatusBadRequest},
		{"another host (DNS rebinding)", "evil.example:" + port, good, nil, http.StatusMisdirectedRequest},
		{"loopback host, another port", "127.0.0.1:1", good, nil, http.StatusMisdirectedRequest},
		{"blank host", " ", good, nil, http.StatusMisdirectedRequest},
		{"another origin (a page's script)", "", good, map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"fetch, not navigation", "", good, map[string]string{"Sec-Fetch-Mode": "no-cors"}, http.StatusForbidden},
		{"image, not document", "", good, map[string]string{"Sec-Fetch-Dest": "image"}, http.StatusForbidden},
	} {
		if got := callbackGet(t, lb, tt.host, tt.query, tt.header); got != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.want)
		}
	}
	// HTTP/1.0 without a Host header.
	addr := strings.TrimSuffix(strings.TrimPrefix(lb.redirectURI, "http://"), callbackPath)
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Write([]byte("GET " + callbackPath + good + " HTTP/1.0\r\n\r\n"))
		b := make([]byte, 64)
		n, _ := c.Read(b)
		c.Close()
		if !strings.Contains(string(b[:n]), " 421 ") {
			t.Errorf("no Host: answer %q, want 421", b[:n])
		}
	}
	select {
	case r := <-lb.cb.result:
		t.Fatalf("a refused request was taken: %+v", r)
	default:
	}
	// The loopback names all work (still refused for the missing code, but
	// past the Host check).
	for _, h := range []string{"localhost:" + port, "[::1]:" + port, "LOCALHOST:" + port} {
		if got := callbackGet(t, lb, h, "?state="+state, nil); got != http.StatusBadRequest {
			t.Errorf("host %s: status %d, want 400", h, got)
		}
	}
	// A navigation with the right state is taken, once: the same code
	// again (a replay) and any other request after it are refused.
	nav := map[string]string{"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "cross-site"}
	if got := callbackGet(t, lb, "", good, nav); got != http.StatusOK {
		t.Fatalf("valid callback: status %d", got)
	}
	if got := callbackGet(t, lb, "", good, nil); got != http.StatusGone {
		t.Errorf("replayed code: status %d, want 410", got)
	}
	if got := callbackGet(t, lb, "", "?code=OTHER&state="+state, nil); got != http.StatusGone {
		t.Errorf("second callback: status %d, want 410", got)
	}
	res, err := lb.await(context.Background(), time.Second)
	if err != nil || res.code != "CODE" {
		t.Fatalf("await = %+v, %v", res, err)
	}
	// await closed the listener.
	if c, err := net.DialTimeout("tcp", strings.TrimSuffix(strings.TrimPrefix(lb.redirectURI, "http://"), callbackPath), time.Second); err == nil {
		c.Close()
		t.Error("the listener still accepts connections after the callback")
	}
}

func TestLoopbackClosesOnTimeout(t *testing.T) {
	lb, err := listenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = lb.await(context.Background(), 50*time.Millisecond)
	if !errors.Is(err, errTimedOut) {
		t.Fatalf("await: %v, want a timeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("await took %s", d)
	}
	if got := callbackGet(t, lb, "", "?code=C&state="+lb.cb.state, nil); got != 0 {
		t.Errorf("callback after the timeout: status %d, want no connection", got)
	}
}
