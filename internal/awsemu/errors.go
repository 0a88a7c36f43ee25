package awsemu

import (
	"net/http"
	"strconv"
	"strings"
)

// apiError is an AWS error the emulator returns to a client: an HTTP
// status, an error code the SDKs branch on, and a message. Messages never
// contain secrets (secret keys, session tokens, MFA codes, seeds).
type apiError struct {
	Status  int
	Code    string
	Message string
	// reason is a note for the emulator's own log explaining a deliberately
	// vague AWS message (e.g. which trust rule failed). Never sent.
	reason string
	// detail is the signin service's "error" member (an OAuth2ErrorCode).
	detail string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// senderType returns the Query protocol's Error/Type: Sender for 4xx,
// Receiver for 5xx.
func (e *apiError) senderType() string {
	if e.Status >= 500 {
		return "Receiver"
	}
	return "Sender"
}

func (e *apiError) withReason(r string) *apiError {
	c := *e
	c.reason = r
	return &c
}

func newAPIError(status int, code, msg string) *apiError {
	return &apiError{Status: status, Code: code, Message: msg}
}

func errMissingAuth() *apiError {
	return newAPIError(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
}

func errIncompleteSignature(msg string) *apiError {
	return newAPIError(http.StatusBadRequest, "IncompleteSignature", msg)
}

func errSignatureMismatch(msg string) *apiError {
	return newAPIError(http.StatusForbidden, "SignatureDoesNotMatch", msg)
}

func errBadSignature() *apiError {
	return errSignatureMismatch("The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
}

func errInvalidClientTokenID() *apiError {
	return newAPIError(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
}

func errExpiredToken() *apiError {
	return newAPIError(http.StatusForbidden, "ExpiredToken", "The security token included in the request is expired")
}

func errAccessDenied(msg string) *apiError {
	return newAPIError(http.StatusForbidden, "AccessDenied", msg)
}

func errNotAuthorized(caller, action, resource string) *apiError {
	return errAccessDenied("User: " + caller + " is not authorized to perform: " + action + " on resource: " + resource)
}

func errValidation(msg string) *apiError {
	return newAPIError(http.StatusBadRequest, "ValidationError", msg)
}

func errThrottling() *apiError {
	return newAPIError(http.StatusBadRequest, "Throttling", "Rate exceeded")
}

func errInternalFailure() *apiError {
	return newAPIError(http.StatusInternalServerError, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.")
}

func errServiceUnavailable() *apiError {
	return newAPIError(http.StatusServiceUnavailable, "ServiceUnavailable", "Service is unable to handle request.")
}

// validation collects model-constraint violations the way AWS reports
// them: "N validation error(s) detected: Value 'x' at 'member' failed to
// satisfy constraint: ...; ...".
type validation struct {
	msgs []string
}

// fail records a violation. value is nil for a missing member; sensitive
// values are passed as redacted.
func (v *validation) fail(value *string, member, constraint string) {
	shown := "null"
	if value != nil {
		shown = "'" + truncate(*value, 256) + "'"
	}
	v.msgs = append(v.msgs, "Value "+shown+" at '"+member+"' failed to satisfy constraint: "+constraint)
}

func (v *validation) err() *apiError {
	if len(v.msgs) == 0 {
		return nil
	}
	noun := "validation errors"
	if len(v.msgs) == 1 {
		noun = "validation error"
	}
	return errValidation(strconv.Itoa(len(v.msgs)) + " " + noun + " detected: " + strings.Join(v.msgs, "; "))
}
