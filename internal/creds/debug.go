package creds

import (
	"io"

	"github.com/assume-cli/assume/internal/awssdk"
)

// debugLog is the run's trace; every secret it has seen is redacted.
type debugLog = awssdk.Debug

func newDebug(w io.Writer) *debugLog { return awssdk.NewDebug(w, "creds") }
