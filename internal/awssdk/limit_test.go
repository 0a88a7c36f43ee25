package awssdk

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// endless writes an endless 200 answer.
func endless(contentLength string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		if contentLength != "" {
			w.Header().Set("Content-Length", contentLength)
		}
		chunk := []byte("<GetCallerIdentityResponse>" + strings.Repeat("A", 32<<10))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
}

func TestLimitBodies(t *testing.T) {
	for _, tt := range []struct{ name, length string }{{"chunked", ""}, {"Content-Length too large", "2000000000"}} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(endless(tt.length))
			defer srv.Close()
			c := LimitBodies(http.DefaultClient, 1<<20)
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			n, err := io.Copy(io.Discard, resp.Body)
			var tl *ResponseTooLargeError
			if !errors.As(err, &tl) || n > 1<<20 {
				t.Fatalf("read %d bytes, error %v; want at most 1 MiB and ResponseTooLargeError", n, err)
			}
			if want := "larger than 1 MiB"; !strings.Contains(tl.Error(), want) || !strings.Contains(tl.Error(), strings.TrimPrefix(srv.URL, "http://")) {
				t.Errorf("message %q", tl.Error())
			}
		})
	}
	// An answer of exactly the limit is read whole.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 4096)) }))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := LimitBodies(http.DefaultClient, 4096).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || len(b) != 4096 {
		t.Errorf("exact size: %d bytes, %v", len(b), err)
	}
}

// TestConfigBoundsAnswers: an STS call through Config against an endpoint
// that sends an endless body fails with ResponseTooLargeError, quickly,
// without reading it into memory.
func TestConfigBoundsAnswers(t *testing.T) {
	srv := httptest.NewServer(endless(""))
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
	t.Setenv("AWS_MAX_ATTEMPTS", "")
	cfg, err := Config(Options{Timeout: 20 * time.Second, MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Region = "us-east-1"
	cfg.Credentials = aws.AnonymousCredentials{}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if _, ok := AsTooLarge(err); !ok {
		t.Fatalf("error %v, want ResponseTooLargeError", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s", d)
	}
	if grown := int64(after.TotalAlloc - before.TotalAlloc); grown > 8*MaxResponseBytes {
		t.Errorf("allocated %d MiB for a refused answer", grown>>20)
	}
	t.Logf("refused after %s, %d MiB allocated", time.Since(start), (after.TotalAlloc-before.TotalAlloc)>>20)
}

// TestAsMalformed: a captive portal's page instead of STS's XML is one
// short error naming the host, status and content type.
func TestAsMalformed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html><body>Welcome to Hotel WiFi</body></html>")
	}))
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
	cfg, err := Config(Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Region = "us-east-1"
	cfg.Credentials = aws.AnonymousCredentials{}
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	m, ok := AsMalformed(err)
	if !ok {
		t.Fatalf("error %v is not recognised as malformed", err)
	}
	want := strings.TrimPrefix(srv.URL, "http://") + " sent an answer that is not from AWS (HTTP 200, text/html)"
	if m.Error() != want {
		t.Errorf("message %q, want %q", m.Error(), want)
	}
	if _, ok := AsMalformed(context.DeadlineExceeded); ok {
		t.Error("a timeout is not a malformed answer")
	}
}

// cutBody sends some of an answer, then fails as a connection closed
// under the read does once the request's context is done.
type cutBody struct {
	ctx  context.Context
	sent int
}

func (b *cutBody) Read(p []byte) (int, error) {
	if b.sent < 4096 {
		n := copy(p, strings.Repeat("<x>", 2048)[:min(len(p), 4096-b.sent)])
		b.sent += n
		return n, nil
	}
	<-b.ctx.Done()
	return 0, &net.OpError{Op: "read", Net: "tcp", Err: net.ErrClosed}
}

func (b *cutBody) Close() error { return nil }

type cutClient struct{}

func (cutClient) Do(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/xml"}},
		Body: &cutBody{ctx: r.Context()}, Request: r}, nil
}

// TestDeadlineMidAnswer: when the time bound runs out while an answer is
// being read, the transport closes the connection under the read; that is
// a timeout, never "an answer that is not from AWS" (it was, now and then,
// on a loaded machine reading a large answer).
func TestDeadlineMidAnswer(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	cfg, err := Config(Options{HTTPClient: cutClient{}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Region = "us-east-1"
	cfg.Credentials = aws.AnonymousCredentials{}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err == nil {
		t.Fatal("no error")
	}
	if m, ok := AsMalformed(err); ok {
		t.Errorf("a deadline mid-answer is reported as %q (%v)", m, err)
	}
	if !IsTimeout(err) {
		t.Errorf("error %v is not a timeout", err)
	}
	// Before the deadline, a closed connection is what it is.
	closed := &net.OpError{Op: "read", Net: "tcp", Err: net.ErrClosed}
	b := &limitedBody{rc: io.NopCloser(iotest.ErrReader(closed)), left: 1 << 20, ctx: context.Background()}
	if _, err := b.Read(make([]byte, 16)); err != closed || IsTimeout(err) {
		t.Errorf("read error %v, want %v", err, closed)
	}
}
