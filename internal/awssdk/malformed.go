package awssdk

import (
	"context"
	"errors"
	"fmt"
	"mime"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// MalformedAnswerError is an answer the SDK could not decode: not XML or
// JSON of AWS, typically a captive portal's or proxy's page, or a
// truncated answer.
type MalformedAnswerError struct {
	Host        string // "" when unknown
	Status      int
	ContentType string // the media type, without parameters
}

func (e *MalformedAnswerError) Error() string {
	from := "the endpoint"
	if e.Host != "" {
		from = e.Host
	}
	what := fmt.Sprintf("HTTP %d", e.Status)
	if e.ContentType != "" {
		what += ", " + e.ContentType
	}
	return fmt.Sprintf("%s sent an answer that is not from AWS (%s)", from, what)
}

// Hint says what to check.
func (e *MalformedAnswerError) Hint() string {
	return "something other than AWS answered (a captive portal or a proxy?): check the network, HTTPS_PROXY/NO_PROXY and AWS_ENDPOINT_URL(_<SERVICE>)"
}

// AsMalformed recognises an SDK error that reports an undecodable answer
// (smithy.DeserializationError) and describes it without the SDK's chain
// of wrappers; a *ResponseTooLargeError is not one (see AsTooLarge).
func AsMalformed(err error) (*MalformedAnswerError, bool) {
	if me := (*MalformedAnswerError)(nil); errors.As(err, &me) {
		return me, true
	}
	var de *smithy.DeserializationError
	if !errors.As(err, &de) {
		return nil, false
	}
	if _, ok := AsTooLarge(err); ok {
		return nil, false
	}
	// A body cut off by the time bound is a timeout, not a bad answer.
	var te interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || (errors.As(err, &te) && te.Timeout()) {
		return nil, false
	}
	out := &MalformedAnswerError{}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil && re.Response.Response != nil {
		r := re.Response.Response
		out.Status = r.StatusCode
		if r.Request != nil && r.Request.URL != nil {
			out.Host = r.Request.URL.Host
		}
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil {
			out.ContentType = mt
		}
	}
	return out, true
}
