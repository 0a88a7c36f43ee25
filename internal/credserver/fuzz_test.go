package credserver

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var fuzzAddrSeeds = []string{
	"", "127.0.0.1:0", "localhost:80", "[::1]:0", "[::ffff:127.0.0.1]:1", "0.0.0.0:0", ":0",
	"[::]:0", "10.1.2.3:0", "[fe80::1%lo]:0", "127.0.0.1", "127.0.0.1:http", "localhost.:0", "[::1]",
}

func FuzzLoopbackAddr(f *testing.F) {
	for _, s := range fuzzAddrSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		ap, err := loopbackAddr(addr)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if !ap.Addr().IsLoopback() || ap.Addr().Zone() != "" {
			t.Fatalf("loopbackAddr(%q) accepted %s", addr, ap)
		}
		if !loopbackHost(ap.String()) {
			t.Fatalf("loopbackHost rejects the accepted address %s", ap)
		}
	})
}

func FuzzLoopbackHost(f *testing.F) {
	for _, s := range append(fuzzAddrSeeds, "evil.example", "127.0.0.1.nip.io:80", "[::1", "localhost:", "LocalHost", "0::1") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, hostport string) {
		// An independent reading with the older net.ParseIP.
		host := hostport
		if h, _, err := net.SplitHostPort(hostport); err == nil {
			host = h
		}
		// localhost is a name, never bracketed: "localhost]" is not it.
		isLocalhost := strings.EqualFold(host, "localhost")
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		ip := net.ParseIP(host)
		want := isLocalhost || ip != nil && ip.IsLoopback()
		if got := loopbackHost(hostport); got != want {
			t.Fatalf("loopbackHost(%q) = %v, want %v", hostport, got, want)
		}
	})
}

// FuzzServeHTTP checks that no request without exactly the right token gets
// credential bytes, whatever its method, path, host and headers.
func FuzzServeHTTP(f *testing.F) {
	clk := newClock()
	p := &fakeProvider{now: clk.Now, lifetime: time.Hour}
	s, err := New(p.get, Options{Now: clk.Now})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Add("GET", s.path, "127.0.0.1:1", s.Token())
	f.Add("GET", s.path, "127.0.0.1:1", "")
	f.Add("GET", s.path, "localhost", s.Token()[:10])
	f.Add("POST", s.path, "127.0.0.1", s.Token())
	f.Add("GET", "/", "127.0.0.1", s.Token())
	f.Add("GET", s.path, "evil.example", s.Token())
	f.Fuzz(func(t *testing.T, method, path, host, auth string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Method, r.URL.Path, r.Host = method, path, host
		r.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		body := w.Body.String()
		authorized := method == "GET" && path == s.path && auth == s.Token() && loopbackHost(host)
		if authorized != (w.Code == http.StatusOK) {
			t.Fatalf("%s %q host %q: status %d", method, path, host, w.Code)
		}
		if !authorized {
			if leak := leaks(body, p); leak != "" {
				t.Fatalf("%s %q host %q: %d answer leaks %q", method, path, host, w.Code, leak)
			}
		}
	})
}
