package awssdk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// MaxResponseBytes bounds the body of every HTTP answer we read. The
// largest genuine answers (a page of SSO accounts, a sign-in token) are a
// few KiB; a hostile or intercepted endpoint could otherwise send an
// endless body that is read into memory.
const MaxResponseBytes = 10 << 20

// ResponseTooLargeError is the error of reading an answer past
// MaxResponseBytes.
type ResponseTooLargeError struct {
	Host  string
	Limit int64
}

func (e *ResponseTooLargeError) Error() string {
	size := fmt.Sprintf("%d KiB", e.Limit>>10)
	if e.Limit >= 1<<20 {
		size = fmt.Sprintf("%d MiB", e.Limit>>20)
	}
	return fmt.Sprintf("the answer from %s is larger than %s, far more than AWS sends: refused", e.Host, size)
}

// Hint says what to check.
func (e *ResponseTooLargeError) Hint() string {
	return "something other than AWS answered: check HTTPS_PROXY/NO_PROXY and AWS_ENDPOINT_URL(_<SERVICE>)"
}

// LimitBodies returns an HTTPClient whose answers fail with
// *ResponseTooLargeError when their body exceeds limit bytes: at once when
// Content-Length says so, else on the read that passes the limit.
func LimitBodies(next HTTPClient, limit int64) HTTPClient {
	return &limitedClient{next: next, limit: limit}
}

type limitedClient struct {
	next  HTTPClient
	limit int64
}

func (c *limitedClient) Do(r *http.Request) (*http.Response, error) {
	resp, err := c.next.Do(r)
	if err != nil || resp == nil || resp.Body == nil {
		return resp, err
	}
	tooLarge := &ResponseTooLargeError{Host: r.URL.Host, Limit: c.limit}
	if resp.ContentLength > c.limit {
		resp.Body.Close()
		resp.Body = errBody{tooLarge}
		return resp, nil
	}
	resp.Body = &limitedBody{rc: resp.Body, left: c.limit, err: tooLarge, ctx: r.Context()}
	return resp, nil
}

// limitedBody reads at most left bytes of rc, then fails with err (after
// checking that there was indeed more).
//
// A read that fails after ctx is done failed because the time bound ran
// out (or the call was cancelled): the transport closes the connection
// under the read, which then reports "use of closed network connection"
// or a cut-off body, and the SDK would call that an undecodable answer.
// Such a read fails with ctx's error instead, so that the bound is what
// the user is told about.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
	err  error
	ctx  context.Context
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, b.err
		}
		if err == nil {
			return 0, nil
		}
		return 0, b.cause(err)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if err != nil && err != io.EOF {
		err = b.cause(err)
	}
	return n, err
}

// cause is ctx's error, wrapping err, once ctx is done; else err.
func (b *limitedBody) cause(err error) error {
	if err == io.EOF || b.ctx == nil || b.ctx.Err() == nil {
		return err
	}
	return fmt.Errorf("%w: %w", b.ctx.Err(), err)
}

func (b *limitedBody) Close() error { return b.rc.Close() }

type errBody struct{ err error }

func (e errBody) Read([]byte) (int, error) { return 0, e.err }
func (e errBody) Close() error             { return nil }

// AsTooLarge finds a *ResponseTooLargeError in err's chain.
func AsTooLarge(err error) (*ResponseTooLargeError, bool) {
	var e *ResponseTooLargeError
	ok := errors.As(err, &e)
	return e, ok
}
