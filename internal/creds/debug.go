package creds

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// debugLog writes trace lines. Callers only ever format non-secret values,
// and as a second line of defence every secret the run has seen (secret
// keys, session tokens, MFA codes, web identity tokens) is replaced by
// "<redacted>" before a line is written.
type debugLog struct {
	w       io.Writer
	mu      sync.Mutex
	secrets []string
}

func newDebug(w io.Writer) *debugLog { return &debugLog{w: w} }

// secret registers values that must never be written.
func (d *debugLog) secret(values ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, v := range values {
		if len(v) >= 4 {
			d.secrets = append(d.secrets, v)
		}
	}
}

func (d *debugLog) printf(format string, args ...any) {
	if d == nil || d.w == nil {
		return
	}
	line := fmt.Sprintf(format, args...)
	d.mu.Lock()
	for _, s := range d.secrets {
		line = strings.ReplaceAll(line, s, "<redacted>")
	}
	d.mu.Unlock()
	io.WriteString(d.w, "debug: creds: "+strings.ReplaceAll(line, "\n", " ")+"\n")
}
