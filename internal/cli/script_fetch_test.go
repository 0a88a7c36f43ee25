package cli_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// fetch URL|@FILE: GET the URL (or the first line of FILE), following
// redirects with a cookie jar, the way a browser would; the body goes to
// stdout and "status N" to stderr. It plays the browser for sign-in URLs.
func cmdFetch(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: fetch URL|@FILE")
	}
	u := args[0]
	if name, ok := strings.CutPrefix(u, "@"); ok {
		u, _, _ = strings.Cut(strings.TrimSpace(ts.ReadFile(name)), "\n")
	}
	jar, err := cookiejar.New(nil)
	ts.Check(err)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.Get(u)
	if err != nil {
		if neg {
			return
		}
		ts.Fatalf("fetch: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	ts.Check(err)
	ts.Stdout().Write(body)
	ts.Logf("status %d", resp.StatusCode)
	if ok := resp.StatusCode == http.StatusOK; ok == neg {
		ts.Fatalf("fetch: status %d", resp.StatusCode)
	}
}
