package populate

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Account is one AWS account the SSO user may use.
type Account struct {
	ID   string // the 12-digit account id
	Name string // the account's display name (free text)
}

// Lister reads the SSO portal one page at a time. Each call must be exactly
// one request: Populate owns pacing and retries, so the implementation should
// not retry on its own (configure the SDK client with one attempt) and should
// report failures it can classify as a *RequestError.
//
// nextToken is "" for the first page; an empty next means there are no more
// pages. Implementations must be safe for concurrent use.
type Lister interface {
	// ListAccounts returns one page of the accounts of the signed-in user.
	ListAccounts(ctx context.Context, nextToken string) (accounts []Account, next string, err error)
	// ListAccountRoles returns one page of the role names the user may
	// assume in the account.
	ListAccountRoles(ctx context.Context, accountID, nextToken string) (roles []string, next string, err error)
}

// ErrorKind tells the retry logic what to do with a failed request.
type ErrorKind int

const (
	// Fatal errors abort the run at once (401 Unauthorized, 403, 400, a
	// cancelled context, anything unknown).
	Fatal ErrorKind = iota
	// Throttled errors (429 TooManyRequestsException) are retried, and slow
	// the request rate down.
	Throttled
	// Transient errors (5xx, a dropped connection) are retried without
	// changing the request rate.
	Transient
)

// String returns the kind's name.
func (k ErrorKind) String() string {
	switch k {
	case Throttled:
		return "throttled"
	case Transient:
		return "transient"
	default:
		return "fatal"
	}
}

// RequestError is how a Lister tells Populate what kind of failure a request
// had. Errors that are not (and do not wrap) a *RequestError are Fatal unless
// Options.Classify says otherwise.
type RequestError struct {
	Kind ErrorKind
	// RetryAfter is the server's hint, if it sent one; the next attempt
	// waits at least this long.
	RetryAfter time.Duration
	Err        error
}

func (e *RequestError) Error() string {
	if e.Err == nil {
		return e.Kind.String() + " request error"
	}
	return e.Err.Error()
}

func (e *RequestError) Unwrap() error { return e.Err }

// Classify is the default classification: the Kind of a wrapped
// *RequestError, Fatal for anything else (a cancelled context included).
func Classify(err error) ErrorKind {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Fatal
	}
	var re *RequestError
	if errors.As(err, &re) {
		return re.Kind
	}
	return Fatal
}

// retryAfter returns the server's hint carried by err, if any.
func retryAfter(err error) time.Duration {
	var re *RequestError
	if errors.As(err, &re) && re.RetryAfter > 0 {
		return re.RetryAfter
	}
	return 0
}

// GiveUpError is returned when a request still failed after every attempt.
type GiveUpError struct {
	Op       string // "listing accounts" or "listing roles of account 111111111111"
	Attempts int
	Err      error // the last failure
}

func (e *GiveUpError) Error() string {
	return fmt.Sprintf("%s: giving up after %d attempts: %v", e.Op, e.Attempts, e.Err)
}

func (e *GiveUpError) Unwrap() error { return e.Err }
