package creds

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/term"
)

// MFAPromptEnv names the environment variable that chooses how MFA codes
// are asked for (like --mfa-prompt; it wins over a profile's mfa_prompt).
const MFAPromptEnv = "ASSUME_MFA_PROMPT"

const (
	// dialogTimeout bounds a GUI prompt waiting for the user.
	dialogTimeout = 5 * time.Minute
	// touchNoticeAfter is how long ykman may stay silent before we say
	// that the YubiKey may want a touch.
	touchNoticeAfter = 1500 * time.Millisecond
	// notifyTimeout bounds a desktop notifier.
	notifyTimeout = 2 * time.Second
)

// Where an MFA code came from, when a second try would give the same code
// (so a rejected one is not asked for again).
const (
	fromFlag       = "--mfa-token"
	fromMFAProcess = "mfa_process"
	fromYkman      = "ykman"
)

// promptKind is how st's code is asked for: --mfa-prompt or
// ASSUME_MFA_PROMPT, else the profile's mfa_prompt, else the setting,
// else the terminal.
func (r *runner) promptKind(st *chain.Step) string {
	for _, k := range []string{r.opts.MFAPromptFlag, st.MFAPrompt.Text, r.opts.MFAPromptSetting} {
		if k = strings.TrimSpace(k); k != "" {
			return k
		}
	}
	return "terminal"
}

// helperCode asks a helper for st's code: its mfa_process, else the
// mfa_prompt it names. handled is false when the terminal should be asked
// (the default, or a YubiKey or dialog that is not there); from names a
// helper whose code would be the same on a second try.
func (r *runner) helperCode(st *chain.Step, attempt int) (code, from string, handled bool, err error) {
	if st.MFAProcess.Set {
		code, err := r.mfaProcess(st)
		return code, fromMFAProcess, true, err
	}
	switch kind := r.promptKind(st); kind {
	case "terminal":
		return "", "", false, nil
	case "ykman":
		if attempt > 1 {
			return "", "", false, nil // the key would give the same code: type one
		}
		code, absent, err := r.ykmanCode(st)
		if absent != "" {
			return "", "", false, r.fallBack(st, absent)
		}
		return code, fromYkman, true, err
	default:
		if !chain.ValidMFAPrompt(kind) {
			// Only ASSUME_MFA_PROMPT gets here unchecked: the profile's
			// key, the setting and the flag are checked where they are read.
			return "", "", true, &ConfigError{Profile: st.Profile, Key: MFAPromptEnv,
				Problem: fmt.Sprintf("is %q; it must be one of %s", kind, strings.Join(chain.MFAPrompts, ", "))}
		}
		code, missing, err := r.dialogCode(st, kind, attempt)
		if missing != "" {
			return "", "", false, r.fallBack(st, missing)
		}
		return code, "", true, err
	}
}

// fallBack says why the terminal is asked instead of the helper, or fails
// with *MFARequiredError when there is no terminal either.
func (r *runner) fallBack(st *chain.Step, why string) error {
	if r.opts.Prompt == nil {
		return r.noTerminal(st, why)
	}
	r.opts.Notice(why + "; type the code on the terminal instead")
	return nil
}

// noTerminal is the error of a code that nothing can give, said at once;
// a desktop notification says it too, where one can be shown.
func (r *runner) noTerminal(st *chain.Step, why string) error {
	e := &MFARequiredError{Profile: st.Profile, Serial: st.MFASerial.Text, Reason: why}
	r.desktopNotice(fmt.Sprintf("profile %s needs an MFA code: run assume %s in a terminal", st.Profile, st.Profile))
	return e
}

// mfaProcess runs st's mfa_process as credential_process runs (the shell,
// ASSUME_PROCESS_TIMEOUT, stdin inherited, stderr shown) and returns the
// 6-digit code it printed. Its output is never shown or logged.
func (r *runner) mfaProcess(st *chain.Step) (string, error) {
	he := func() *MFAHelperError {
		return &MFAHelperError{Profile: st.Profile, Helper: fromMFAProcess, Where: st.MFAProcess.Where()}
	}
	command := strings.TrimSpace(st.MFAProcess.Text)
	if command == "" {
		e := he()
		e.Problem = "the command is empty"
		return "", e
	}
	timeout, err := processTimeout(r.opts.ProcessTimeout, r.opts.Getenv)
	if err != nil {
		e := he()
		e.Problem = err.Error()
		return "", e
	}
	argv := []string{"sh", "-c", command}
	if runtime.GOOS == "windows" {
		argv = []string{"cmd.exe", "/C", command}
	}
	r.dbg.Printf("MFA code for %s from the mfa_process of %s", st.MFASerial.Text, st.MFAProcess.Where())
	h, err := r.runHelper(argv, timeout, r.opts.Stdin, r.opts.Stderr)
	if err != nil {
		return "", err
	}
	if e := he(); e.from(h, timeout) {
		return "", e
	}
	code, ok := codeOf(h.stdout)
	if !ok {
		e := he()
		e.Problem = "printed no 6-digit MFA code"
		return "", e
	}
	r.dbg.Secret(code)
	return code, nil
}

// codeOf finds the code in a helper's output: its last non-empty line,
// whose last word it must be (ykman without --single prints "NAME CODE").
func codeOf(out []byte) (string, bool) {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	f := strings.Fields(lines[len(lines)-1])
	if len(f) == 0 || !isMFACode(f[len(f)-1]) {
		return "", false
	}
	return f[len(f)-1], true
}

// ykmanCode asks ykman for the code of the OATH account of st
// (ykman_oath_account, else mfa_serial). absent is set, and nothing else,
// when ykman or a YubiKey is not there. A YubiKey waiting for a touch is
// said on the terminal (and the desktop, without a terminal).
func (r *runner) ykmanCode(st *chain.Step) (code, absent string, err error) {
	account := st.YkmanAccount.Text
	if account == "" {
		account = st.MFASerial.Text
	}
	path, lerr := exec.LookPath("ykman")
	if lerr != nil {
		return "", "ykman is not installed (mfa_prompt = ykman)", nil
	}
	timeout, err := processTimeout(r.opts.ProcessTimeout, r.opts.Getenv)
	if err != nil {
		return "", "", &MFAHelperError{Profile: st.Profile, Helper: fromYkman, Problem: err.Error()}
	}
	var once sync.Once
	touch := func() {
		once.Do(func() {
			r.opts.Notice(fmt.Sprintf("touch your YubiKey (the MFA code of profile %q)", st.Profile))
			if r.opts.Prompt == nil {
				r.desktopNotice(fmt.Sprintf("touch your YubiKey: profile %s needs an MFA code", st.Profile))
			}
		})
	}
	stderr := &touchWatch{onTouch: touch}
	timer := time.AfterFunc(touchNoticeAfter, touch)
	r.dbg.Printf("MFA code for %s from ykman (OATH account %q)", st.MFASerial.Text, account)
	h, err := r.runHelper([]string{path, "oath", "accounts", "code", "--single", account}, timeout, nil, stderr)
	timer.Stop()
	if err != nil {
		return "", "", err
	}
	said := stderr.firstLine()
	if h.exitCode != 0 && strings.Contains(strings.ToLower(said), "no yubikey") {
		return "", "no YubiKey was found (ykman: " + term.Clean(said) + ")", nil
	}
	e := &MFAHelperError{Profile: st.Profile, Helper: fromYkman, Account: account, Said: said}
	if e.from(h, timeout) {
		return "", "", e
	}
	code, ok := codeOf(h.stdout)
	if !ok {
		e.Problem = "printed no 6-digit code for OATH account " + account
		return "", "", e
	}
	r.dbg.Secret(code)
	return code, "", nil
}

// touchWatch keeps a helper's error output (bounded) and calls onTouch
// when it asks for a touch.
type touchWatch struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	onTouch func()
}

func (w *touchWatch) Write(b []byte) (int, error) {
	w.mu.Lock()
	if w.buf.Len() < 4<<10 {
		w.buf.Write(b[:min(len(b), 4<<10-w.buf.Len())])
	}
	touched := strings.Contains(strings.ToLower(w.buf.String()), "touch")
	w.mu.Unlock()
	if touched {
		w.onTouch()
	}
	return len(b), nil
}

// firstLine is the first line of the output that is not about a touch.
func (w *touchWatch) firstLine() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, l := range strings.Split(w.buf.String(), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.Contains(strings.ToLower(l), "touch") {
			return l
		}
	}
	return ""
}

// dialogCode asks for the code in a dialog window of kind (osascript,
// zenity, kdialog, powershell). missing is set, and nothing else, when the
// program is not there.
func (r *runner) dialogCode(st *chain.Step, kind string, attempt int) (code, missing string, err error) {
	text := fmt.Sprintf("Enter the MFA code for %s (profile %s)", st.MFASerial.Text, st.Profile)
	if attempt > 1 {
		text = fmt.Sprintf("That code was not accepted (try %d of %d). ", attempt, maxMFAAttempts) + text
	}
	argv := dialogArgv(kind, text)
	path, lerr := exec.LookPath(argv[0])
	if lerr != nil {
		return "", fmt.Sprintf("%s is not installed (mfa_prompt = %s)", argv[0], kind), nil
	}
	argv[0] = path
	r.dbg.Printf("MFA code for %s from a %s dialog", st.MFASerial.Text, kind)
	h, err := r.runHelper(argv, dialogTimeout, nil, io.Discard)
	if err != nil {
		return "", "", err
	}
	if h.exitCode != 0 && h.startErr == nil && !h.timedOut && !h.tooLarge {
		return "", "", &MFACancelledError{Profile: st.Profile, Prompt: kind}
	}
	e := &MFAHelperError{Profile: st.Profile, Helper: kind}
	if e.from(h, dialogTimeout) {
		return "", "", e
	}
	return strings.TrimSpace(string(h.stdout)), "", nil // checked (6 digits) by withMFA
}

// dialogArgv is the command line of a dialog that asks text and prints the
// answer. text goes as an argument, never into a shell or a script, except
// for PowerShell, where it is a single-quoted string (” escapes ').
func dialogArgv(kind, text string) []string {
	switch kind {
	case "osascript":
		return []string{"osascript",
			"-e", "on run argv",
			"-e", `display dialog (item 1 of argv) default answer "" with title "assume" buttons {"Cancel", "OK"} default button "OK"`,
			"-e", "return text returned of result",
			"-e", "end run", text}
	case "zenity":
		return []string{"zenity", "--entry", "--title=assume", "--text=" + text}
	case "kdialog":
		return []string{"kdialog", "--title", "assume", "--inputbox", text}
	}
	ps := "Add-Type -AssemblyName Microsoft.VisualBasic; " +
		"$c = [Microsoft.VisualBasic.Interaction]::InputBox('" + strings.ReplaceAll(text, "'", "''") + "', 'assume'); " +
		"if ($c -eq '') { exit 1 }; [Console]::Out.Write($c)"
	return []string{"powershell.exe", "-NoProfile", "-NonInteractive", "-Command", ps}
}

// desktopNotice shows msg as a desktop notification where one can be shown
// (notify-send with a display on Linux and the BSDs, osascript on macOS),
// for a user who sees no terminal; it waits at most notifyTimeout and says
// nothing when it cannot.
func (r *runner) desktopNotice(msg string) {
	var argv []string
	switch runtime.GOOS {
	case "darwin":
		argv = []string{"osascript", "-e", "on run argv", "-e", `display notification (item 1 of argv) with title "assume"`, "-e", "end run", msg}
	case "windows":
		return
	default:
		if r.opts.Getenv("DISPLAY") == "" && r.opts.Getenv("WAYLAND_DISPLAY") == "" {
			return
		}
		argv = []string{"notify-send", "--app-name=assume", "assume", msg}
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return
	}
	argv[0] = path
	r.dbg.Printf("desktop notification: %s", msg)
	r.runHelper(argv, notifyTimeout, nil, io.Discard)
}
