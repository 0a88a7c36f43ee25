package creds

import (
	"fmt"
	"time"

	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/term"
)

// MFAHelperError reports an MFA helper (an mfa_process, ykman, a dialog)
// that failed, hung or printed no code. It never includes what the helper
// printed on stdout.
type MFAHelperError struct {
	Profile string
	Helper  string // "mfa_process", "ykman", or the dialog's mfa_prompt
	Where   string // file:line of the mfa_process
	Account string // the ykman OATH account
	Said    string // ykman's own first error line
	Status  int    // its exit status
	Timeout time.Duration
	Problem string
}

// from records how h failed; false when it did not.
func (e *MFAHelperError) from(h *helperRun, timeout time.Duration) bool {
	switch {
	case h.startErr != nil:
		e.Problem = "could not run it: " + h.startErr.Error()
	case h.tooLarge:
		e.Problem = fmt.Sprintf("printed more than %d KiB (it must print the 6-digit code)", maxProcessOutput>>10)
	case h.timedOut:
		e.Timeout = timeout
	case h.exitCode != 0:
		e.Status = h.exitCode
	case h.waitErr != nil:
		e.Problem = "could not run it: " + h.waitErr.Error()
	default:
		return false
	}
	return true
}

func (e *MFAHelperError) what() string {
	switch e.Helper {
	case fromMFAProcess:
		return fmt.Sprintf("mfa_process of profile %q", e.Profile)
	case fromYkman:
		return fmt.Sprintf("ykman (mfa_prompt = ykman) for profile %q", e.Profile)
	}
	return fmt.Sprintf("the %s MFA prompt of profile %q", e.Helper, e.Profile)
}

func (e *MFAHelperError) Error() string {
	switch {
	case e.Timeout > 0:
		return fmt.Sprintf("%s did not finish within %s", e.what(), e.Timeout)
	case e.Problem != "":
		return e.what() + ": " + e.Problem
	case e.Said != "":
		return fmt.Sprintf("%s exited with status %d: %s", e.what(), e.Status, term.Clean(e.Said))
	case e.Helper == fromMFAProcess:
		return fmt.Sprintf("%s exited with status %d (its error output is shown above)", e.what(), e.Status)
	}
	return fmt.Sprintf("%s exited with status %d", e.what(), e.Status)
}

// Hint implements Hinter.
func (e *MFAHelperError) Hint() string {
	switch e.Helper {
	case fromMFAProcess:
		if e.Where != "" {
			return "run the command of " + e.Where + " by hand: it must print the current 6-digit code"
		}
		return "run the command by hand: it must print the current 6-digit code"
	case fromYkman:
		return "ykman oath accounts list shows the accounts; name the one of this device with ykman_oath_account"
	}
	return "set mfa_prompt = terminal to type the code on the terminal instead"
}

// ExitCode implements exitcode.Coder: like a failed credential_process.
func (*MFAHelperError) ExitCode() int { return exitcode.Failure }

// MFACancelledError reports an MFA dialog that the user closed.
type MFACancelledError struct {
	Profile string
	Prompt  string
}

func (e *MFACancelledError) Error() string {
	return fmt.Sprintf("the %s MFA prompt of profile %q was cancelled", e.Prompt, e.Profile)
}

// ExitCode implements exitcode.Coder.
func (*MFACancelledError) ExitCode() int { return exitcode.Cancelled }
