package awssdk

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"

	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The network-error classification of creds and sso: an SDK call that got
// no answer from AWS failed because the time bound ran out (IsTimeout) or
// in transport (IsTransport, with the short NetReason); NetworkMessage is
// the one line both packages' NetworkError types print.

// IsTimeout reports a call that ran out of time.
func IsTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

// IsTransport reports a request that never got an answer: it could not be
// sent, or the connection failed.
func IsTransport(err error) bool {
	var ue *url.Error
	var se *smithyhttp.RequestSendError
	var oe *net.OpError
	return errors.As(err, &ue) || errors.As(err, &se) || errors.As(err, &oe)
}

// IsDNS reports a host name that did not resolve.
func IsDNS(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// NetReason extracts a short transport reason such as "connection refused"
// or "cannot resolve HOST" (never the request URL, which may hold secrets).
func NetReason(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "cannot resolve " + dnsErr.Name
	}
	var sysErr *os.SyscallError // "connect: connection refused" -> "connection refused"
	if errors.As(err, &sysErr) && sysErr.Err != nil {
		return sysErr.Err.Error()
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}

// NetworkMessage is the line of a network error: no answer within timeout
// (when non-zero), else cannot reach, for reason.
func NetworkMessage(service, endpoint string, timeout time.Duration, reason string) string {
	if timeout > 0 {
		return fmt.Sprintf("no answer from %s at %s within %s", service, endpoint, timeout)
	}
	return fmt.Sprintf("cannot reach %s at %s: %s", service, endpoint, reason)
}
