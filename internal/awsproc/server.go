package awsproc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/assume-cli/assume/internal/exitcode"
)

// Handlers serve the operations inside assume-aws, one function per
// operation. Failure turns a handler's error into the *Error the front end
// prints (its message, hints and exit code class).
type Handlers struct {
	Resolve func(context.Context, *ResolveRequest) (*ResolveResponse, error)
	Whoami  func(context.Context, *WhoamiRequest) (*WhoamiResponse, error)
	Console func(context.Context, *ConsoleRequest) (*ConsoleResponse, error)
	Clock   func(context.Context, *ClockRequest) (*ClockResponse, error)
	Rotate  func(context.Context, *RotateRequest) (*RotateResponse, error)
	// EKSToken serves assume eks token.
	EKSToken func(context.Context, *EKSTokenRequest) (*EKSTokenResponse, error)
	Failure  func(error) *Error
}

// Serve reads one request from the private channel, runs its handler and
// writes the response back: the whole of `assume-aws serve`. The error is
// a broken channel; a bad request is answered with an *Error.
func Serve(ctx context.Context, h *Handlers) error {
	in, out, err := serveChannel()
	if err != nil {
		return err
	}
	defer out.Close()
	resp := h.handle(ctx, in)
	in.Close()
	return json.NewEncoder(out).Encode(resp)
}

// handle reads the request from r and runs it.
func (h *Handlers) handle(ctx context.Context, r io.Reader) *response {
	req, err := readRequest(r)
	if err != nil {
		return &response{Error: &Error{Message: err.Error(), Code: exitcode.Failure}}
	}
	var result any
	switch req.Op {
	case OpResolve:
		result, err = run(ctx, req, h.Resolve)
	case OpWhoami:
		result, err = run(ctx, req, h.Whoami)
	case OpConsole:
		result, err = run(ctx, req, h.Console)
	case OpClock:
		result, err = run(ctx, req, h.Clock)
	case OpRotate:
		result, err = run(ctx, req, h.Rotate)
	case OpEKSToken:
		result, err = run(ctx, req, h.EKSToken)
	default:
		return &response{Error: unknownOp(req.Op)}
	}
	if err == errNoHandler {
		return &response{Error: unknownOp(req.Op)}
	}
	if err != nil {
		return &response{Error: h.fail(err)}
	}
	b, err := json.Marshal(result)
	if err != nil {
		return &response{Error: h.fail(err)}
	}
	return &response{Result: b}
}

func (h *Handlers) fail(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	if h.Failure != nil {
		if e := h.Failure(err); e != nil {
			return e
		}
	}
	return &Error{Message: err.Error(), Code: exitcode.Of(err)}
}

var errNoHandler = errors.New("no handler")

// run decodes the operation's request and calls its handler.
func run[Req, Resp any](ctx context.Context, req *request, f func(context.Context, *Req) (*Resp, error)) (any, error) {
	if f == nil {
		return nil, errNoHandler
	}
	var r Req
	if err := decode(req.Request, &r, "the "+string(req.Op)+" request"); err != nil {
		return nil, &Error{Message: err.Error(), Code: exitcode.Failure}
	}
	return f(ctx, &r)
}

func unknownOp(op Op) *Error {
	return &Error{
		Message: fmt.Sprintf("%s does not know the operation %s", Executable, opName(op)),
		Hints:   []string{"assume and " + Executable + " come from different releases: install both from one (`make install`)"},
		Code:    exitcode.Failure,
	}
}

// ReadHandOff reads the request that the front end handed over with
// Client.HandOff (for `exec` and `endpoint`): on Unix from fd 3, on Windows
// from the --request-file given as file (removed once read).
func ReadHandOff(file string) (*ResolveRequest, error) {
	in, done, err := handOffChannel(file)
	if err != nil {
		return nil, err
	}
	defer done()
	defer in.Close()
	return decodeHandOff(in)
}

func decodeHandOff(r io.Reader) (*ResolveRequest, error) {
	req, err := readRequest(r)
	if err != nil {
		return nil, err
	}
	if req.Op != OpHandOff {
		return nil, fmt.Errorf("the request is for the operation %s, not a hand-off", opName(req.Op))
	}
	var rr ResolveRequest
	if err := decode(req.Request, &rr, "the request"); err != nil {
		return nil, err
	}
	return &rr, nil
}

// opName quotes op when it is a plain short word; anything else is not
// repeated (the request may hold secrets).
func opName(op Op) string {
	if len(op) > 16 {
		return "(unnamed)"
	}
	for _, r := range op {
		if r < 'a' || r > 'z' {
			return "(unnamed)"
		}
	}
	return fmt.Sprintf("%q", string(op))
}
