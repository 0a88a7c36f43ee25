package awssdk

import (
	"strings"
	"testing"
	"time"
)

func TestTimeout(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	if d, err := Timeout(3*time.Second, get); err != nil || d != 3*time.Second {
		t.Fatalf("explicit: %v %v", d, err)
	}
	if d, err := Timeout(0, get); err != nil || d != DefaultTimeout {
		t.Fatalf("default: %v %v", d, err)
	}
	env["ASSUME_HTTP_TIMEOUT"] = "2s"
	if d, err := Timeout(0, get); err != nil || d != 2*time.Second {
		t.Fatalf("env: %v %v", d, err)
	}
	for _, bad := range []string{"0s", "-1s", "soon"} {
		env["ASSUME_HTTP_TIMEOUT"] = bad
		if _, err := Timeout(0, get); err == nil || !strings.Contains(err.Error(), "ASSUME_HTTP_TIMEOUT") {
			t.Errorf("%q: err %v", bad, err)
		}
	}
}

func TestDebugRedacts(t *testing.T) {
	var b strings.Builder
	d := NewDebug(&b, "creds")
	d.Secret("wJalrXUtnFEMI", "abc") // too short to redact safely: ignored
	d.Printf("key %s and %s\nnext", "wJalrXUtnFEMI", "abc")
	if got, want := b.String(), "debug: creds: key <redacted> and abc next\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	var nilDebug *Debug
	nilDebug.Secret("x")
	nilDebug.Printf("no panic")
}

// TestDebugCleansRemoteText: an AWS error message quoted in a debug line
// cannot send C1 controls, escape sequences or bidi overrides raw.
func TestDebugCleansRemoteText(t *testing.T) {
	var b strings.Builder
	d := NewDebug(&b, "creds")
	d.Printf("AssumeRole: %s", "denied\u009b2J \x1b]0;x\x07 \u202eoR\nnext")
	got := b.String()
	want := `debug: creds: AssumeRole: denied\u009b2J \x1b]0;x\x07 \u202eoR next` + "\n"
	if got != want {
		t.Errorf("debug line %q, want %q", got, want)
	}
}
