package awsproc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/assume-cli/assume/internal/awscreds"
)

// Executable is the name of the second executable.
const Executable = "assume-aws"

// The commands of assume-aws, each started only by the front end.
const (
	CmdServe    = "serve"    // one operation over the private channel
	CmdExec     = "exec"     // a hand-off: assume PROFILE --exec (credentials endpoint)
	CmdEndpoint = "endpoint" // a hand-off: assume serve PROFILE
	CmdSSO      = "sso"      // a hand-off without request: assume sso …
	CmdLogin    = "login"    // a hand-off without request: assume login …
	CmdLogout   = "logout"   // a hand-off without request: assume logout …
	CmdEKS      = "eks"      // a hand-off: assume eks kubeconfig (the kubeconfig editor lives in assume-aws)
)

// Op names an operation of `assume-aws serve`.
type Op string

// The operations.
const (
	OpResolve Op = "resolve" // a profile's credentials (cache, then AWS)
	OpWhoami  Op = "whoami"  // GetCallerIdentity for the given credentials
	OpConsole Op = "console" // a console sign-in URL for the given credentials
	OpClock   Op = "clock"   // the clock skew against the STS endpoint
	OpRotate  Op = "rotate"  // rotate the access key of a profile whose keys are in the keychain
	// OpEKSToken presigns an EKS bearer token (assume eks token).
	OpEKSToken Op = "ekstoken"
	// OpHandOff marks the request of a hand-off (exec, endpoint).
	OpHandOff Op = "handoff"
)

// MaxMessage bounds a request and a response (either holds a few
// credentials or one sign-in URL).
const MaxMessage = 1 << 20

// ResolveRequest asks for the credentials of a profile or of an ad-hoc SSO
// role; it is also the request of a hand-off to exec or endpoint.
type ResolveRequest struct {
	Profile string `json:"profile,omitempty"`
	// SSO names an IAM Identity Center role given on the command line
	// (assume --sso) instead of Profile.
	SSO      *AdHocSSO     `json:"sso,omitempty"`
	Region   string        `json:"region,omitempty"`   // decided by the front end
	Duration time.Duration `json:"duration,omitempty"` // 0 = the profile's or the default
	MFAToken string        `json:"mfa_token,omitempty"`
	Refresh  bool          `json:"refresh,omitempty"`
	Debug    bool          `json:"debug,omitempty"`
	// Prompt says whether assume-aws may prompt on the terminal.
	Prompt bool `json:"prompt,omitempty"`
	// MFAPrompt is --mfa-prompt: how MFA codes are asked for (one of
	// chain.MFAPrompts), over a profile's mfa_prompt.
	MFAPrompt string `json:"mfa_prompt,omitempty"`
}

// ResolveResponse is the answer to a ResolveRequest.
type ResolveResponse struct {
	Credentials Credentials `json:"credentials"`
	FromCache   bool        `json:"from_cache,omitempty"`
}

func (r *ResolveResponse) check() error {
	if r.Credentials.AccessKeyID == "" || r.Credentials.SecretAccessKey == "" {
		return errors.New("credentials")
	}
	return nil
}

// AdHocSSO is an IAM Identity Center role given by flags.
type AdHocSSO struct {
	StartURL  string `json:"start_url"`
	Region    string `json:"region"`
	AccountID string `json:"account_id"`
	RoleName  string `json:"role_name"`
}

// WhoamiRequest asks who the credentials are.
type WhoamiRequest struct {
	Region string `json:"region,omitempty"`
	Debug  bool   `json:"debug,omitempty"`
	// Credentials are the caller's own; nil asks the credentials endpoint
	// named by the environment (assume PROFILE --exec).
	Credentials *Credentials `json:"credentials,omitempty"`
}

// WhoamiResponse is a GetCallerIdentity answer.
type WhoamiResponse struct {
	Account string `json:"account"`
	ARN     string `json:"arn"`
	UserID  string `json:"user_id"`
	// Expiration is that of the endpoint's credentials, when the request
	// had none of its own (zero: unknown or never).
	Expiration time.Time `json:"expiration,omitzero"`
}

func (r *WhoamiResponse) check() error {
	if r.ARN == "" {
		return errors.New("an identity")
	}
	return nil
}

// ConsoleRequest asks for a console sign-in URL.
type ConsoleRequest struct {
	Region string `json:"region,omitempty"`
	Debug  bool   `json:"debug,omitempty"`
	// Credentials are the ones to sign in with.
	Credentials Credentials `json:"credentials"`
	// Destination is the console URL to land on.
	Destination string `json:"destination"`
	// Partition is the partition ID (aws, aws-us-gov, aws-cn).
	Partition string `json:"partition"`
	// SessionDuration is the console session length; zero: as long as the
	// credentials (for long-term keys: the federation token's length).
	SessionDuration time.Duration `json:"session_duration,omitempty"`
	// FederationName names the GetFederationToken session that long-term
	// keys are exchanged for (the profile name).
	FederationName string `json:"federation_name,omitempty"`
}

// ConsoleResponse is the answer to a ConsoleRequest.
type ConsoleResponse struct {
	// URL signs a browser in; it is valid for 15 minutes and is a secret.
	URL string `json:"url"`
	// Federated is true when long-term keys went through GetFederationToken.
	Federated bool `json:"federated,omitempty"`
	// Expires is when the console session ends, when known.
	Expires time.Time `json:"expires,omitzero"`
}

func (r *ConsoleResponse) check() error {
	if r.URL == "" {
		return errors.New("a sign-in URL")
	}
	return nil
}

// ClockRequest asks for this machine's clock skew against STS.
type ClockRequest struct {
	Region string `json:"region,omitempty"`
}

// ClockResponse is the answer to a ClockRequest.
type ClockResponse struct {
	// Skew is this machine's clock minus the STS endpoint's.
	Skew time.Duration `json:"skew"`
	// Endpoint names what was asked.
	Endpoint string `json:"endpoint"`
}

func (r *ClockResponse) check() error {
	if r.Endpoint == "" {
		return errors.New("a clock reading")
	}
	return nil
}

// RotateRequest asks to rotate the access key of a profile whose keys are
// in the keychain.
type RotateRequest struct {
	Profile string `json:"profile"`
	Region  string `json:"region,omitempty"`
	Debug   bool   `json:"debug,omitempty"`
	Prompt  bool   `json:"prompt,omitempty"`
}

// RotateResponse is what a key rotation did (no secrets).
type RotateResponse struct {
	UserARN        string `json:"user_arn"`
	NewAccessKeyID string `json:"new_access_key_id"`
	OldAccessKeyID string `json:"old_access_key_id"`
	Warning        string `json:"warning,omitempty"`
}

func (r *RotateResponse) check() error {
	if r.NewAccessKeyID == "" {
		return errors.New("a rotation result")
	}
	return nil
}

// EKSTokenRequest asks for an EKS bearer token for Cluster: the
// credentials of Resolve (or, without a profile, Credentials, those of the
// caller's environment), with RoleARN assumed on top when set, presigned
// for Resolve.Region.
type EKSTokenRequest struct {
	Resolve     ResolveRequest `json:"resolve"`
	Credentials *Credentials   `json:"credentials,omitempty"`
	RoleARN     string         `json:"role_arn,omitempty"`
	Cluster     string         `json:"cluster"`
}

// EKSTokenResponse is an EKS bearer token (a secret) and when it was
// signed; EKS honours it for 15 minutes from then.
type EKSTokenResponse struct {
	Token  string    `json:"token"`
	Signed time.Time `json:"signed"`
	// CredentialsExpire is when the credentials that signed the token
	// expire (zero: never); the token dies with them.
	CredentialsExpire time.Time `json:"credentials_expire,omitzero"`
}

func (r *EKSTokenResponse) check() error {
	if r.Token == "" || r.Signed.IsZero() {
		return errors.New("a token")
	}
	return nil
}

// Credentials are awscreds.Credentials on the private channel, the one
// place where their JSON holds the secrets; convert with
// awscreds.Credentials(c) and Credentials(v). Like awscreds, they never
// print the secrets.
type Credentials struct {
	AccessKeyID     string    `json:"access_key_id"`
	SecretAccessKey string    `json:"secret_access_key"`
	SessionToken    string    `json:"session_token,omitempty"`
	Expiration      time.Time `json:"expiration,omitzero"`
	AccountID       string    `json:"account_id,omitempty"` // when known
}

// String names the credentials without their secrets.
func (c Credentials) String() string { return awscreds.Credentials(c).String() }

// GoString is String, for %#v.
func (c Credentials) GoString() string { return c.String() }

// Format prints String for every verb.
func (c Credentials) Format(f fmt.State, verb rune) { awscreds.Credentials(c).Format(f, verb) }

// Error is a failure the front end reports as is: one message line, hints,
// and the exit code class.
type Error struct {
	Message string   `json:"message"`
	Hints   []string `json:"hints,omitempty"`
	Code    int      `json:"code"`
}

func (e *Error) Error() string { return e.Message }

// Hint returns the first hint (for the front end's error printer).
func (e *Error) Hint() string {
	if len(e.Hints) == 0 {
		return ""
	}
	return e.Hints[0]
}

// ExitCode is the exit code class of the failure.
func (e *Error) ExitCode() int { return e.Code }

// request is what travels to assume-aws: the operation and its request.
type request struct {
	Op      Op              `json:"op"`
	Request json.RawMessage `json:"request"`
}

// response is what travels back: the operation's response or an error.
type response struct {
	Result json.RawMessage `json:"result,omitempty"`
	Error  *Error          `json:"error,omitempty"`
}

// encodeRequest is the message for op and req.
func encodeRequest(op Op, req any) ([]byte, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	return json.Marshal(request{Op: op, Request: body})
}

// readMessage reads one message of at most MaxMessage bytes; what names it
// in errors ("the request", "the answer of assume-aws"). Errors never
// quote the message: it may hold secrets.
func readMessage(r io.Reader, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxMessage+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %v", what, err)
	}
	if len(b) > MaxMessage {
		return nil, fmt.Errorf("%s is larger than %d bytes", what, MaxMessage)
	}
	return b, nil
}

// decode unmarshals b into v; the error names what and the JSON problem,
// never the content.
func decode(b []byte, v any, what string) error {
	if err := json.Unmarshal(b, v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case len(b) == 0:
			return fmt.Errorf("%s is empty", what)
		case errors.As(err, &se):
			return fmt.Errorf("%s is not JSON (offset %d)", what, se.Offset)
		case errors.As(err, &te) && te.Field == "":
			return fmt.Errorf("%s is not a JSON object (%s)", what, te.Value)
		case errors.As(err, &te):
			return fmt.Errorf("%s: field %q has the wrong type (%s)", what, te.Field, te.Value)
		}
		return fmt.Errorf("%s is unreadable: %v", what, err)
	}
	return nil
}

// readRequest reads the request for one of ops.
func readRequest(r io.Reader) (*request, error) {
	b, err := readMessage(r, "the request")
	if err != nil {
		return nil, err
	}
	var req request
	if err := decode(b, &req, "the request"); err != nil {
		return nil, err
	}
	if req.Op == "" {
		return nil, errors.New("the request names no operation")
	}
	return &req, nil
}
