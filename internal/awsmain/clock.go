package awsmain

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/creds"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/term"
)

// stsEndpoint is where STS calls go: AWS_ENDPOINT_URL_STS, else
// AWS_ENDPOINT_URL, else the regional endpoint.
func stsEndpoint(getenv func(string) string, region string) string {
	for _, k := range []string{"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"} {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return strings.TrimRight(v, "/") + "/"
		}
	}
	if region == "" {
		region = "us-east-1"
	}
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return "https://sts." + region + "." + suffix + "/"
}

// clockSkew compares this machine's clock with the Date header of an
// unsigned request to the STS endpoint. SigV4 rejects requests more than
// 5 minutes off.
func clockSkew(ctx context.Context, s *term.Streams, req *awsproc.ClockRequest) (*awsproc.ClockResponse, error) {
	endpoint := stsEndpoint(s.Getenv, req.Region)
	timeout, err := awssdk.Timeout(0, s.Getenv)
	if err != nil {
		return nil, withExit(exitcode.Config, err)
	}
	cfg, err := awssdk.Config(awssdk.Options{Timeout: timeout})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, fmt.Errorf("STS endpoint %s: %v", endpoint, err)
	}
	start := time.Now()
	resp, err := cfg.HTTPClient.Do(hreq)
	if err != nil {
		return nil, creds.Unreachable("STS", endpoint, err)
	}
	resp.Body.Close()
	end := time.Now()
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return nil, fmt.Errorf("STS endpoint %s sent no usable Date header", endpoint)
	}
	// The server's second was stamped somewhere during the round trip; the
	// header has whole seconds, so half a second is the expected error.
	local := start.Add(end.Sub(start) / 2)
	skew := local.Sub(date.Add(500 * time.Millisecond)).Round(time.Second)
	return &awsproc.ClockResponse{Skew: skew, Endpoint: endpoint}, nil
}
