package creds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/assume-cli/assume/internal/chain"
)

const (
	// maxProcessOutput bounds what a credential_process may print on stdout.
	maxProcessOutput = 1 << 20
	// maxProcessValue bounds each credential field of its output: every
	// value ends up in an environment variable, and one environment string
	// longer than the kernel's 128 KiB (MAX_ARG_STRLEN) makes every later
	// command of the shell fail with "Argument list too long". Real session
	// tokens are a few KiB.
	maxProcessValue = 32 << 10
	// stderrHead and stderrTail bound the relayed error output of a
	// credential_process whose stderr is not a terminal: the first
	// stderrHead bytes pass as they come, the last stderrTail bytes follow
	// when it ends, and what lies between is dropped with a note.
	stderrHead = 16 << 10
	stderrTail = 16 << 10
	// processLinger is how long the output of a credential_process that
	// exited may stay open (held by a background process it started) before
	// the rest of its process group is stopped.
	processLinger = 200 * time.Millisecond
	// processDrain bounds the wait for its pipes once the group was killed
	// (a process that left the group may still hold them).
	processDrain = time.Second
)

// ProcessTimeoutEnv names the environment variable that changes
// DefaultProcessTimeout.
const ProcessTimeoutEnv = "ASSUME_PROCESS_TIMEOUT"

// processTimeout is explicit when positive, else ASSUME_PROCESS_TIMEOUT,
// else DefaultProcessTimeout.
func processTimeout(explicit time.Duration, getenv func(string) string) (time.Duration, error) {
	if explicit > 0 {
		return explicit, nil
	}
	if s := getenv(ProcessTimeoutEnv); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("%s=%q is not a positive duration such as 2m", ProcessTimeoutEnv, s)
		}
		return d, nil
	}
	return DefaultProcessTimeout, nil
}

var errOutputTooLarge = errors.New("credential_process output too large")

// process runs a credential_process through the shell (cmd.exe on
// Windows) as runHelper does.
func (r *runner) process(st *chain.Step) (*cred, error) {
	where := st.CredentialProcess.Where()
	perr := func(problem string) error {
		return &ProcessError{Profile: st.Profile, Where: where, ExitCode: -1, Problem: problem}
	}
	command := strings.TrimSpace(st.CredentialProcess.Text)
	if command == "" {
		return nil, perr("the command is empty")
	}
	timeout, err := processTimeout(r.opts.ProcessTimeout, r.opts.Getenv)
	if err != nil {
		return nil, &ProcessError{Profile: st.Profile, Where: where, ExitCode: -1, Problem: err.Error(),
			hint: "unset " + ProcessTimeoutEnv + " (default 1m) or set it to a duration such as 2m"}
	}
	var shellArgv []string
	if runtime.GOOS == "windows" {
		shellArgv = []string{"cmd.exe", "/C", command}
	} else {
		shellArgv = []string{"sh", "-c", command}
	}
	h, err := r.runHelper(shellArgv, timeout, r.opts.Stdin, r.opts.Stderr)
	if err != nil {
		return nil, err
	}
	r.dbg.Printf("credential_process of profile %q ran for %s", st.Profile, h.took.Round(time.Millisecond))
	if h.lingered {
		r.dbg.Printf("credential_process of profile %q exited but a process it started kept its output open; its process group was stopped", st.Profile)
	}
	switch {
	case h.startErr != nil:
		return nil, perr("could not run it: " + h.startErr.Error())
	case h.tooLarge:
		return nil, perr(fmt.Sprintf("printed more than %d KiB on stdout (it must print one JSON object)", maxProcessOutput>>10))
	case h.timedOut:
		return nil, &ProcessError{Profile: st.Profile, Where: where, ExitCode: -1, Timeout: timeout}
	case h.exitCode != 0:
		return nil, &ProcessError{Profile: st.Profile, Where: where, ExitCode: h.exitCode}
	case h.waitErr != nil:
		return nil, perr("could not run it: " + h.waitErr.Error())
	}
	pc, err := ParseProcessOutput(h.stdout, r.opts.Now())
	if err != nil {
		if h.lingered {
			return nil, perr(err.Error() + "; it exited, and a background process it started kept its output open and was stopped")
		}
		return nil, perr(err.Error())
	}
	r.dbg.Secret(pc.SecretAccessKey, pc.SessionToken)
	c := &cred{Credentials: pc.Credentials, kind: chain.KindProcess, profile: st.Profile, account: pc.AccountID}
	if c.account == "" {
		c.account = st.AccountID.Text // the profile's aws_account_id
	}
	if c.SessionToken == "" {
		c.longTerm, c.role = true, no
	}
	return c, nil
}

// helperRun is how a helper command (a credential_process, an
// mfa_process, ykman, a dialog) ended.
type helperRun struct {
	stdout   []byte
	took     time.Duration
	startErr error // it could not be started
	tooLarge bool  // it printed more than maxProcessOutput and was killed
	timedOut bool  // it was killed at the deadline
	exitCode int   // its exit status when it failed (-1: killed by a signal); 0 otherwise
	waitErr  error // another failure of waiting for it
	lingered bool  // a background process it started held its output open
}

// runHelper runs argv with stdin inherited (so it can prompt), stdout
// captured (at most maxProcessOutput bytes) and stderr relayed (bounded
// unless it is a terminal), within timeout. Without a terminal it runs in a
// process group of its own, which is killed at the deadline, when its
// output is too large, and when it exits leaving background processes that
// hold its output open. With a terminal (on stdin, or a controlling one
// that it may open as /dev/tty) it stays in the terminal's foreground
// group, so that it can prompt, and the helper and the processes below it
// are killed instead. The error is only ever the cancellation of the run.
func (r *runner) runHelper(argv []string, timeout time.Duration, stdin io.Reader, stderr io.Writer) (*helperRun, error) {
	ctx, cancel := context.WithTimeout(r.ctx, timeout)
	defer cancel()
	ctx, abort := context.WithCancelCause(ctx)
	defer abort(nil)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	ownGroup := !isTerminal(r.opts.Stdin) && !controllingTerminal()
	processGroup(cmd, ownGroup)
	cmd.WaitDelay = time.Second

	h := &helperRun{}
	p, err := startPiped(cmd, stdin, stderr, func() { abort(errOutputTooLarge) })
	if err != nil {
		h.startErr = unwrapPathError(err)
		return h, nil
	}
	start := time.Now()
	werr := cmd.Wait()
	h.lingered = p.finish(func() { killGroup(cmd, ownGroup) })
	h.took = time.Since(start)
	h.stdout = p.stdout.Bytes()
	var exitErr *exec.ExitError
	switch {
	case errors.Is(context.Cause(ctx), errOutputTooLarge):
		h.tooLarge = true
	case ctx.Err() == context.DeadlineExceeded && r.ctx.Err() == nil:
		h.timedOut = true
	case r.ctx.Err() != nil:
		return nil, r.ctx.Err()
	case errors.As(werr, &exitErr):
		h.exitCode = exitErr.ExitCode()
		if h.exitCode == 0 {
			h.exitCode = -1
		}
	case werr != nil && !errors.Is(werr, exec.ErrWaitDelay):
		h.waitErr = werr
	}
	return h, nil
}

// isTerminal reports whether v is an *os.File on a terminal.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && f != nil && term.IsTerminal(int(f.Fd()))
}

// piped holds the pipes of a started credential_process. Its stdout (and
// its stderr, unless that is a terminal) are pipes of our own rather than
// os/exec's copying goroutines, so that Wait returns when the helper exits
// even if a background process it started still holds them.
type piped struct {
	stdout  bytes.Buffer
	readers []*os.File
	done    []chan struct{}
	relay   *stderrRelay
}

// startPiped starts cmd with stdin, its stdout captured and its stderr
// relayed to stderr; tooLarge is called once stdout passes
// maxProcessOutput.
func startPiped(cmd *exec.Cmd, stdin io.Reader, stderr io.Writer, tooLarge func()) (*piped, error) {
	p := &piped{}
	var writers []*os.File
	closeAll := func() {
		for _, f := range writers {
			f.Close()
		}
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p.readers, writers = append(p.readers, outR), append(writers, outW)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, outW, stderr
	if !isTerminal(stderr) {
		errR, errW, err := os.Pipe()
		if err != nil {
			closeAll()
			outR.Close()
			return nil, err
		}
		p.readers, writers = append(p.readers, errR), append(writers, errW)
		cmd.Stderr = errW
		p.relay = &stderrRelay{w: stderr}
	}
	if err := cmd.Start(); err != nil {
		closeAll()
		for _, f := range p.readers {
			f.Close()
		}
		return nil, err
	}
	closeAll()
	p.done = append(p.done, goRead(func() {
		if _, err := io.Copy(&capWriter{buf: &p.stdout, max: maxProcessOutput}, outR); errors.Is(err, errOutputTooLarge) {
			tooLarge()
		}
	}))
	if p.relay != nil {
		errR := p.readers[1]
		p.done = append(p.done, goRead(func() { io.Copy(p.relay, errR) }))
	}
	return p, nil
}

func goRead(f func()) chan struct{} {
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	return done
}

// finish waits for the pipes after the helper exited. When they stay open
// for longer than processLinger, kill stops the helper's process group and
// finish reports true; pipes still open processDrain later are closed.
func (p *piped) finish(kill func()) (lingered bool) {
	all := make(chan struct{})
	go func() {
		for _, d := range p.done {
			<-d
		}
		close(all)
	}()
	select {
	case <-all:
	case <-time.After(processLinger):
		lingered = true
		kill()
		select {
		case <-all:
		case <-time.After(processDrain):
			for _, f := range p.readers {
				f.Close() // unblocks the readers
			}
			<-all
		}
	}
	for _, f := range p.readers {
		f.Close()
	}
	if p.relay != nil {
		p.relay.flush()
	}
	return lingered
}

// capWriter appends to buf and fails once more than max bytes were
// written. It has no ReadFrom, so io.Copy goes through Write.
type capWriter struct {
	buf *bytes.Buffer
	max int
}

func (w *capWriter) Write(b []byte) (int, error) {
	if w.buf.Len()+len(b) > w.max {
		return 0, errOutputTooLarge
	}
	return w.buf.Write(b)
}

// stderrRelay passes the first stderrHead bytes to w as they come, keeps
// the last stderrTail bytes after those, and counts the bytes dropped in
// between; flush writes a note of the cut and the tail.
type stderrRelay struct {
	mu      sync.Mutex
	w       io.Writer
	passed  int
	tail    []byte
	dropped int64
}

func (s *stderrRelay) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(b)
	if room := stderrHead - s.passed; room > 0 {
		head := b[:min(room, len(b))]
		s.w.Write(head)
		s.passed += len(head)
		b = b[len(head):]
	}
	s.tail = append(s.tail, b...)
	if extra := len(s.tail) - stderrTail; extra > 0 {
		s.dropped += int64(extra)
		s.tail = append(s.tail[:0], s.tail[extra:]...)
	}
	return n, nil
}

func (s *stderrRelay) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dropped > 0 {
		fmt.Fprintf(s.w, "\n[assume: %d bytes of the credential_process's error output cut; its first %d KiB are above, its last %d KiB follow]\n", s.dropped, stderrHead>>10, stderrTail>>10)
	}
	s.w.Write(s.tail)
	s.tail = nil
}

// ProcessCredentials is the parsed output of a credential_process.
type ProcessCredentials struct {
	Credentials
	AccountID string
}

// ParseProcessOutput validates the JSON a credential_process printed
// (Version 1: AccessKeyId, SecretAccessKey, optional SessionToken,
// Expiration and AccountId). Field names are matched exactly and types
// strictly. Credentials that expired before now, and values longer than
// maxProcessValue (32 KiB), are refused. Errors describe
// the problem without quoting the output, which holds secrets.
func ParseProcessOutput(b []byte, now time.Time) (*ProcessCredentials, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var fields map[string]json.RawMessage
	if err := dec.Decode(&fields); err != nil || fields == nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("output is not valid JSON (syntax error at byte %d)", se.Offset)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errors.New("output is not valid JSON (it ends before the object is complete)")
		}
		return nil, errors.New("output is not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("output has more after the JSON object")
	}
	str := func(name string, required bool) (string, error) {
		raw, ok := fields[name]
		if !ok || string(raw) == "null" {
			if required {
				return "", fmt.Errorf("output has no %s", name)
			}
			return "", nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("field %s of the output is not a string", name)
		}
		if len(s) > maxProcessValue {
			return "", fmt.Errorf("field %s of the output is %d bytes long, more than the %d KiB a credential may have", name, len(s), maxProcessValue>>10)
		}
		if required && strings.TrimSpace(s) == "" {
			return "", fmt.Errorf("field %s of the output is empty", name)
		}
		return s, nil
	}
	v, ok := fields["Version"]
	if !ok {
		return nil, errors.New("output has no Version (it must be 1)")
	}
	if string(bytes.TrimSpace(v)) != "1" {
		return nil, errors.New("output has an unsupported Version (it must be the number 1)")
	}
	var pc ProcessCredentials
	var err error
	if pc.AccessKeyID, err = str("AccessKeyId", true); err != nil {
		return nil, err
	}
	if pc.SecretAccessKey, err = str("SecretAccessKey", true); err != nil {
		return nil, err
	}
	if pc.SessionToken, err = str("SessionToken", false); err != nil {
		return nil, err
	}
	if pc.AccountID, err = str("AccountId", false); err != nil {
		return nil, err
	}
	exp, err := str("Expiration", false)
	if err != nil {
		return nil, err
	}
	if exp != "" {
		t, err := time.Parse(time.RFC3339, exp)
		if err != nil {
			return nil, errors.New("field Expiration of the output is not an RFC 3339 time such as 2030-01-01T00:00:00Z")
		}
		if !t.After(now) {
			return nil, fmt.Errorf("output holds credentials that expired at %s", t.UTC().Format(time.RFC3339))
		}
		pc.Expiration = t
	}
	return &pc, nil
}
