package credserver

import (
	"bufio"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The token check compares with crypto/subtle: server.go calls
// subtle.ConstantTimeCompare and never compares the token with == or !=.
func TestTokenCompareIsConstantTime(t *testing.T) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "server.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var subtleCalls int
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok && x.Name == "subtle" && n.Sel.Name == "ConstantTimeCompare" {
				subtleCalls++
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				for _, side := range []ast.Expr{n.X, n.Y} {
					if sel, ok := side.(*ast.SelectorExpr); ok && sel.Sel.Name == "token" {
						t.Errorf("%s: the token is compared with %s", fset.Position(n.Pos()), n.Op)
					}
				}
			}
		}
		return true
	})
	if subtleCalls == 0 {
		t.Error("server.go does not use subtle.ConstantTimeCompare")
	}
}

// Requests a browser sends for a web page are refused even with the right
// token and host: DNS rebinding (a foreign Host), an Origin header, a
// Sec-Fetch-Site other than none.
func TestBrowserRequestsRefused(t *testing.T) {
	clk := newClock()
	p := &fakeProvider{now: clk.Now, lifetime: time.Hour}
	s := newServer(t, p.get, Options{Now: clk.Now})
	port := s.ln.Addr().(*net.TCPAddr).Port
	tests := []struct {
		name    string
		host    string
		headers map[string]string
		want    int
	}{
		{"plain SDK request", "", nil, 200},
		{"localhost with the port", "localhost:" + strconv.Itoa(port), nil, 200},
		{"typed into the address bar", "", map[string]string{"Sec-Fetch-Site": "none"}, 200},
		{"rebound name", "attacker.example:" + strconv.Itoa(port), nil, 403},
		{"rebound name without port", "attacker.example", nil, 403},
		{"localhost suffix", "localhost.attacker.example", nil, 403},
		{"loopback-looking name", "127.0.0.1.nip.io:" + strconv.Itoa(port), nil, 403},
		{"Origin of a web page", "", map[string]string{"Origin": "https://attacker.example"}, 403},
		{"Origin null", "", map[string]string{"Origin": "null"}, 403},
		{"Origin localhost", "", map[string]string{"Origin": "http://localhost:3000"}, 403},
		{"cross-site fetch", "", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}, 403},
		{"same-site fetch", "", map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
		{"same-origin fetch", "", map[string]string{"Sec-Fetch-Site": "same-origin"}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest("GET", "http://127.0.0.1"+s.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.host != "" {
				r.Host = tt.host
			}
			r.Header.Set("Authorization", s.Token())
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			w := newRecorder()
			s.ServeHTTP(w, r)
			if w.code != tt.want {
				t.Fatalf("status %d, want %d (%s)", w.code, tt.want, w.body.String())
			}
			if tt.want != 200 {
				if leak := leaks(w.body.String(), p); leak != "" {
					t.Errorf("the refusal leaks %q", leak)
				}
				if e := errorOf(t, &w.body); e.Code != "Forbidden" {
					t.Errorf("error %+v", e)
				}
			}
		})
	}
}

// Malformed HTTP gets an error (or a closed connection), never
// credentials, and the server goes on serving.
func TestMalformedHTTP(t *testing.T) {
	p := &fakeProvider{now: time.Now, lifetime: time.Hour}
	s := newServer(t, p.get, Options{})
	serve(t, s)
	addr := s.ln.Addr().String()
	exchange := func(t *testing.T, raw string) string {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, raw)
		b, _ := io.ReadAll(c)
		return string(b)
	}
	auth := "Authorization: " + s.Token() + "\r\n"
	tests := []struct {
		name, raw, wantStatus string
	}{
		{"garbage", "\x00\x01\x02 garbage \xff\r\n\r\n", "400"},
		{"no version", "GET " + s.path + "\r\n\r\n", "400"},
		{"bad header line", "GET " + s.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "no colon here\r\n\r\n", "400"},
		{"two hosts", "GET " + s.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n" + auth + "\r\n", "400"},
		{"huge header", "GET " + s.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "X-Pad: " + strings.Repeat("a", 64<<10) + "\r\n\r\n", "431"},
		{"many headers", "GET " + s.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + strings.Repeat("X-A: b\r\n", 5000) + "\r\n", "431"},
		{"absolute URI elsewhere", "GET http://evil.example" + s.path + " HTTP/1.1\r\nHost: evil.example\r\n" + auth + "\r\n", "403"},
		{"HTTP/1.0 without host", "GET " + s.path + " HTTP/1.0\r\n" + auth + "\r\n", "403"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := exchange(t, tt.raw)
			if !strings.HasPrefix(got, "HTTP/1.1 "+tt.wantStatus) && !strings.HasPrefix(got, "HTTP/1.0 "+tt.wantStatus) {
				t.Fatalf("answer %.80q, want status %s", got, tt.wantStatus)
			}
			if leak := leaks(got, p); leak != "" {
				t.Errorf("leaks %q", leak)
			}
		})
	}
	// Still serving.
	getHTTP(t, http.DefaultClient, s)
}

// The server has its timeouts set, and a client that sends its headers
// slowly (slowloris) is cut off at ReadHeaderTimeout.
func TestSlowloris(t *testing.T) {
	p := &fakeProvider{now: time.Now, lifetime: time.Hour}
	s := newServer(t, p.get, Options{})
	if s.http.ReadHeaderTimeout <= 0 || s.http.ReadTimeout <= 0 || s.http.IdleTimeout <= 0 || s.http.MaxHeaderBytes <= 0 {
		t.Fatalf("timeouts not all set: %+v", s.http)
	}
	s.http.ReadHeaderTimeout = 300 * time.Millisecond // the real one is 10s
	serve(t, s)
	c, err := net.Dial("tcp", s.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	io.WriteString(c, "GET "+s.path+" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
	closed := make(chan error, 1)
	go func() {
		// One header byte every 50ms, never the end of the headers.
		for i := 0; ; i++ {
			if _, err := io.WriteString(c, "X"); err != nil {
				closed <- err
				return
			}
			time.Sleep(50 * time.Millisecond)
			if time.Since(start) > 5*time.Second {
				closed <- errors.New("still open")
				return
			}
		}
	}()
	// The server answers 408 or just closes; either way reading ends.
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	rd := bufio.NewReader(c)
	line, _ := rd.ReadString('\n')
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("connection kept for %s", d)
	}
	if line != "" && !strings.Contains(line, "408") && !strings.Contains(line, "400") {
		t.Errorf("answer %q", line)
	}
}

// 1,000 concurrent requests are served with the one refresh of the first.
func TestThousandConcurrentRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 connections")
	}
	gate := make(chan struct{})
	p := &fakeProvider{now: time.Now, lifetime: time.Hour, gate: gate}
	s := newServer(t, p.get, Options{})
	serve(t, s)
	const n = 1000
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	for range n {
		wg.Go(func() {
			if c := getHTTP(t, client, s); c.AccessKeyID != "ASIAFAKE000000000001" {
				mu.Lock()
				bad++
				mu.Unlock()
			}
		})
	}
	time.Sleep(100 * time.Millisecond)
	close(gate)
	wg.Wait()
	if bad > 0 {
		t.Errorf("%d requests got other credentials", bad)
	}
	// Once more, all at once, with valid credentials: no call at all.
	for range n {
		wg.Go(func() { getHTTP(t, client, s) })
	}
	wg.Wait()
	if calls, _ := p.counts(); calls != 1 {
		t.Errorf("provider called %d times for %d requests, want 1", calls, 2*n)
	}
}
