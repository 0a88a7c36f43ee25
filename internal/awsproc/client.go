package awsproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/sigrelay"
)

// Client starts assume-aws for the front end. Its fields are set once; the
// executable is found on first use (Find) and remembered.
type Client struct {
	// Getenv finds the executable ($ASSUME_AWS_HELPER).
	Getenv func(string) string
	// Env is the environment of assume-aws.
	Env []string
	// Stdin, Stdout and Stderr are the user's streams. An operation gets
	// Stdin and Stderr (its standard output goes to Stderr, since stdout
	// may be read by a shell); a hand-off gets all three.
	Stdin          io.Reader
	Stdout, Stderr io.Writer

	once sync.Once
	path string
	err  error
}

// Path is the executable, found once.
func (c *Client) Path() (string, error) {
	c.once.Do(func() { c.path, c.err = Find(c.Getenv) })
	return c.path, c.err
}

// Find locates assume-aws: $ASSUME_AWS_HELPER, else next to the running
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

// Resolve gets the credentials of a profile or an ad-hoc SSO role.
func (c *Client) Resolve(ctx context.Context, req *ResolveRequest) (*ResolveResponse, error) {
	return call[ResolveResponse](ctx, c, OpResolve, req, true)
}

// Whoami asks STS who the credentials are.
func (c *Client) Whoami(ctx context.Context, req *WhoamiRequest) (*WhoamiResponse, error) {
	return call[WhoamiResponse](ctx, c, OpWhoami, req, true)
}

// Console gets a console sign-in URL.
func (c *Client) Console(ctx context.Context, req *ConsoleRequest) (*ConsoleResponse, error) {
	return call[ConsoleResponse](ctx, c, OpConsole, req, true)
}

// Clock measures the clock skew against STS. It runs without the user's
// streams: it never prompts, and nothing it might print belongs in a report.
func (c *Client) Clock(ctx context.Context, req *ClockRequest) (*ClockResponse, error) {
	return call[ClockResponse](ctx, c, OpClock, req, false)
}

// Rotate rotates the access key of a profile whose keys are in the keychain.
func (c *Client) Rotate(ctx context.Context, req *RotateRequest) (*RotateResponse, error) {
	return call[RotateResponse](ctx, c, OpRotate, req, true)
}

// EKSToken presigns an EKS bearer token (the credentials' prompts may
// need the user's streams).
func (c *Client) EKSToken(ctx context.Context, req *EKSTokenRequest) (*EKSTokenResponse, error) {
	return call[EKSTokenResponse](ctx, c, OpEKSToken, req, true)
}

// checked is a response that knows when it is complete.
type checked interface {
	// check names what is missing ("credentials") or returns nil.
	check() error
}

// call runs `assume-aws serve` for one operation and returns its checked
// response; a failure of assume-aws is returned as an *Error.
func call[Resp any, P interface {
	*Resp
	checked
}](ctx context.Context, c *Client, op Op, req any, streams bool) (*Resp, error) {
	path, err := c.Path()
	if err != nil {
		return nil, err
	}
	body, err := encodeRequest(op, req)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path, CmdServe)
	if streams {
		cmd.Stdin, cmd.Stdout, cmd.Stderr = c.Stdin, c.Stderr, c.Stderr
	}
	cmd.Env = c.Env
	out, err := exchange(cmd, body)
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(out) == 0 {
			return nil, fmt.Errorf("%s failed: %v", Executable, err)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("cannot run %s: %v", path, err)
		}
	}
	resp, err := parseResponse[Resp, P](bytes.NewReader(out))
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// parseResponse reads a response: the operation's result, checked, or the
// *Error that assume-aws sent.
func parseResponse[Resp any, P interface {
	*Resp
	checked
}](r io.Reader) (*Resp, error) {
	const what = "the answer of " + Executable
	b, err := readMessage(r, what)
	if err != nil {
		return nil, err
	}
	var env response
	if err := decode(b, &env, what); err != nil {
		return nil, err
	}
	if env.Error != nil {
		if env.Error.Message == "" {
			env.Error.Message = Executable + " failed without a message"
		}
		return nil, env.Error
	}
	var resp Resp
	if len(env.Result) > 0 && string(env.Result) != "null" {
		if err := decode(env.Result, &resp, what); err != nil {
			return nil, err
		}
	}
	if err := P(&resp).check(); err != nil {
		return nil, fmt.Errorf("%s answered without %v", Executable, err)
	}
	return &resp, nil
}

// HandOff passes a command that lives on in assume-aws (exec through a
// credentials endpoint, endpoint for serve, sso …) to it for good, with
// req (nil for none) over a private channel, never argv or the
// environment (it may hold an MFA code); assume-aws takes over the
// client's streams and exit status. Where it can (Unix, when the streams
// are this process's own), HandOff replaces this process with assume-aws
// and returns only on failure, so that no idle front end stays around and
// assume-aws sees the real parent (the shell, the IDE) when it watches for
// its parent's exit. Otherwise it runs assume-aws as a child, relays
// signals to it and returns its exit status (128+N when signal N killed
// it).
func (c *Client) HandOff(args []string, req *ResolveRequest) (status int, err error) {
	path, err := c.Path()
	if err != nil {
		return 0, err
	}
	var body []byte
	if req != nil {
		if body, err = encodeRequest(OpHandOff, req); err != nil {
			return 0, err
		}
	}
	if c.Stdin == os.Stdin && c.Stdout == os.Stdout && c.Stderr == os.Stderr {
		if err := replaceProcess(path, args, body, c.Env); err != nil {
			return 0, err
		}
	}
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.Stdin, c.Stdout, c.Stderr
	cmd.Env = c.Env
	if body != nil {
		cleanup, err := passRequest(cmd, body)
		if err != nil {
			return 0, err
		}
		defer cleanup()
	}
	status, err = sigrelay.Run(cmd)
	if err != nil {
		return status, exitcode.With(exitcode.Failure, fmt.Errorf("cannot run %s: %v", path, err))
	}
	return status, nil
}
