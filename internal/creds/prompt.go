package creds

import (
	"context"
	"fmt"
)

// TerminalPrompt is the MFA prompt on a terminal: ask shows the question
// and reads the answer. creds words the question and counts the tries (a
// repeated question says which of maxMFAAttempts it is), so the callers
// only bring the terminal.
func TerminalPrompt(ask func(question string) (string, error)) MFAPrompt {
	return func(_ context.Context, serial string, attempt int) (string, error) {
		if attempt > 1 {
			return ask(fmt.Sprintf("That code was not accepted (try %d of %d). Enter MFA code for %s: ", attempt, maxMFAAttempts, serial))
		}
		return ask(fmt.Sprintf("Enter MFA code for %s: ", serial))
	}
}
