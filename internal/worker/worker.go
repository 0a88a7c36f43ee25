package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/assume-cli/assume/internal/exitcode"
)

// Executable is the name of the worker binary.
const Executable = "assume-aws"

// Ops the worker serves.
const (
	OpResolve = "resolve" // a profile's credentials (cache, then AWS)
	OpWhoami  = "whoami"  // GetCallerIdentity for the given credentials
	OpConsole = "console" // a console sign-in URL for the given credentials
	OpClock   = "clock"   // the clock skew against the STS endpoint
	OpRotate  = "rotate"  // rotate the access key of a profile whose keys are in the keychain
)

// Request is what the front end asks for.
type Request struct {
	Op       string        `json:"op"`
	Profile  string        `json:"profile,omitempty"`
	Region   string        `json:"region,omitempty"`   // decided by the front end
	Duration time.Duration `json:"duration,omitempty"` // 0 = the profile's or the default
	MFAToken string        `json:"mfa_token,omitempty"`
	Refresh  bool          `json:"refresh,omitempty"`
	Debug    bool          `json:"debug,omitempty"`
	// Prompt says whether the worker may prompt on the terminal.
	Prompt bool `json:"prompt,omitempty"`
	// Credentials are the caller's own, for OpWhoami.
	Credentials *Credentials `json:"credentials,omitempty"`
	// SSO, for OpResolve, names an IAM Identity Center role given on the
	// command line (assume --sso) instead of Profile.
	SSO *AdHocSSO `json:"sso,omitempty"`
	// Console, for OpConsole, says where to sign in; Credentials are the
	// ones to sign in with.
	Console *ConsoleRequest `json:"console,omitempty"`

	// MFAPrompt is --mfa-prompt: how MFA codes are asked for (one of
	// chain.MFAPrompts), over a profile's mfa_prompt.
	MFAPrompt string `json:"mfa_prompt,omitempty"`
}

// ConsoleRequest asks for a console sign-in URL.
type ConsoleRequest struct {
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

// Console is the answer to OpConsole.
type Console struct {
	// URL signs a browser in; it is valid for 15 minutes and is a secret.
	URL string `json:"url"`
	// Federated is true when long-term keys went through GetFederationToken.
	Federated bool `json:"federated,omitempty"`
	// Expires is when the console session ends, when known.
	Expires time.Time `json:"expires,omitzero"`
}

// AdHocSSO is an IAM Identity Center role given by flags.
type AdHocSSO struct {
	StartURL  string `json:"start_url"`
	Region    string `json:"region"`
	AccountID string `json:"account_id"`
	RoleName  string `json:"role_name"`
}

// Credentials are AWS credentials with their expiry (zero: never).
type Credentials struct {
	AccessKeyID     string    `json:"access_key_id"`
	SecretAccessKey string    `json:"secret_access_key"`
	SessionToken    string    `json:"session_token,omitempty"`
	Expiration      time.Time `json:"expiration,omitempty"`
	AccountID       string    `json:"account_id,omitempty"`
}

// Response is the worker's answer: Credentials (resolve), Identity (whoami)
// or Error.
type Response struct {
	Credentials *Credentials `json:"credentials,omitempty"`
	FromCache   bool         `json:"from_cache,omitempty"`
	Identity    *Identity    `json:"identity,omitempty"`
	Console     *Console     `json:"console,omitempty"`
	// Skew is this machine's clock minus the STS endpoint's (OpClock).
	Skew *time.Duration `json:"skew,omitempty"`
	// Endpoint names what was asked (OpClock).
	Endpoint string `json:"endpoint,omitempty"`
	// Rotation is the answer to OpRotate.
	Rotation *Rotation `json:"rotation,omitempty"`
	Error    *Error    `json:"error,omitempty"`
}

// Identity is a GetCallerIdentity answer.
type Identity struct {
	Account string `json:"account"`
	ARN     string `json:"arn"`
	UserID  string `json:"user_id"`
}

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

// Find locates the worker: $ASSUME_AWS_HELPER, else next to the running
// executable, else on PATH.
func Find(getenv func(string) string) (string, error) {
	if p := getenv("ASSUME_AWS_HELPER"); p != "" {
		return p, nil
	}
	if self, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(self); err == nil {
			self = real
		}
		p := filepath.Join(filepath.Dir(self), Executable+exeSuffix)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(Executable); err == nil {
		return p, nil
	}
	return "", &Error{
		Message: "cannot find " + Executable + ", the part of assume that talks to AWS",
		Hints:   []string{"install both binaries: `make install` or `go install ./cmd/assume ./cmd/assume-aws`, into one folder on PATH"},
		Code:    exitcode.Failure,
	}
}

// Call runs the worker at path for req, with the given standard streams and
// environment, and returns its response. A worker failure is returned as an
// *Error.
func Call(ctx context.Context, path string, req *Request, stdin io.Reader, stdout, stderr io.Writer, env []string) (*Response, error) {
	cmd := exec.CommandContext(ctx, path, "serve")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.Env = env
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	out, err := run(cmd, body)
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(out) == 0 {
			return nil, fmt.Errorf("%s failed: %v", Executable, err)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("cannot run %s: %v", path, err)
		}
	}
	var resp Response
	if err := json.Unmarshal(out, &resp); err != nil {
		return nil, fmt.Errorf("%s gave an unreadable answer: %v", Executable, err)
	}
	if resp.Error != nil {
		return nil, resp.Error
	}
	return &resp, nil
}

// Handler serves one request inside the worker.
type Handler func(ctx context.Context, req *Request) *Response

// Serve reads one request from the private channel, runs h and writes the
// response back. It is the worker's whole main loop.
func Serve(ctx context.Context, h Handler) error {
	in, out, err := channel()
	if err != nil {
		return err
	}
	defer out.Close()
	var req Request
	dec := json.NewDecoder(io.LimitReader(in, 1<<20))
	if err := dec.Decode(&req); err != nil {
		in.Close()
		return fmt.Errorf("reading the request: %v", err)
	}
	in.Close()
	resp := h(ctx, &req)
	return json.NewEncoder(out).Encode(resp)
}

// Exec runs the worker at path as an ordinary command (e.g. `assume-aws sso
// login ...`) with the caller's streams, for interactive commands that live
// on the SDK side, and returns its exit code.
func Exec(ctx context.Context, path string, args []string, stdin io.Reader, stdout, stderr io.Writer, env []string) (int, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.Env = env
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 1, fmt.Errorf("cannot run %s: %v", path, err)
	}
	return 0, nil
}

// Rotation is what a key rotation did (no secrets).
type Rotation struct {
	UserARN        string `json:"user_arn"`
	NewAccessKeyID string `json:"new_access_key_id"`
	OldAccessKeyID string `json:"old_access_key_id"`
	Warning        string `json:"warning,omitempty"`
}
