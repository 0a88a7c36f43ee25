package awssdk

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestNetworkClassification(t *testing.T) {
	refused := &url.Error{Op: "Post", URL: "https://sts.example/?secret=x", Err: &net.OpError{Op: "dial", Net: "tcp",
		Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}}
	dns := &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: "https://x", Err: &net.DNSError{Name: "oidc.nowhere.example", Err: "no such host"}}}
	for _, tt := range []struct {
		name               string
		err                error
		timeout, transport bool
		isDNS              bool
		reason             string
	}{
		{"refused", refused, false, true, false, "connection refused"},
		{"dns", dns, false, true, true, "cannot resolve oidc.nowhere.example"},
		{"deadline", fmt.Errorf("op: %w", context.DeadlineExceeded), true, false, false, "op: context deadline exceeded"},
		{"reset", &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}, false, true, false, "connection reset by peer"},
		{"other", errors.New("boom"), false, false, false, "boom"},
	} {
		if got := IsTimeout(tt.err); got != tt.timeout {
			t.Errorf("%s: IsTimeout %v", tt.name, got)
		}
		if got := IsTransport(tt.err); got != tt.transport {
			t.Errorf("%s: IsTransport %v", tt.name, got)
		}
		if got := IsDNS(tt.err); got != tt.isDNS {
			t.Errorf("%s: IsDNS %v", tt.name, got)
		}
		if got := NetReason(tt.err); got != tt.reason {
			t.Errorf("%s: NetReason %q, want %q", tt.name, got, tt.reason)
		}
	}
	if got := NetworkMessage("STS", "https://sts.x/", 2*time.Second, ""); got != "no answer from STS at https://sts.x/ within 2s" {
		t.Error(got)
	}
	if got := NetworkMessage("STS", "https://sts.x/", 0, "connection refused"); got != "cannot reach STS at https://sts.x/: connection refused" {
		t.Error(got)
	}
}
