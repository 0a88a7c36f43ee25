package cli

import (
	"encoding/json"
	"testing"
)

// The output written without reflection is byte for byte what writeJSON
// writes, and anything JSON would escape goes to writeJSON.
func TestProcessOutputIndented(t *testing.T) {
	for _, o := range []processOutput{
		{Version: 1, AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "s/+="},
		{Version: 1, AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s", SessionToken: "t", Expiration: "2026-12-07T23:19:00Z", AccountID: "123456789012"},
		{Version: 1, AccessKeyID: "A", SecretAccessKey: "", SessionToken: "", AccountID: "123456789012"},
	} {
		checkIndented(t, o, true)
	}
	for _, v := range []string{"a<b", "a>b", "a&b", `a"b`, `a\b`, "a\nb", "é", "\x7f"} {
		checkIndented(t, processOutput{Version: 1, AccessKeyID: "A", SecretAccessKey: v}, false)
	}
}

func checkIndented(t *testing.T, o processOutput, want bool) {
	t.Helper()
	got, ok := o.indented()
	if ok != want {
		t.Fatalf("indented(%+v) ok = %v, want %v", o, ok, want)
	}
	if !ok {
		return
	}
	ref, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(ref)+"\n" {
		t.Fatalf("indented:\n%s\nwriteJSON:\n%s", got, ref)
	}
}

func FuzzProcessOutputIndented(f *testing.F) {
	f.Add(1, "AKIAEXAMPLE", "secret", "token", "2026-12-07T23:19:00Z", "123456789012")
	f.Add(0, "", "", "", "", "")
	f.Add(-7, "<", "\\", "\"", "\u2028", "\xff")
	f.Fuzz(func(t *testing.T, v int, akid, secret, token, exp, acct string) {
		o := processOutput{Version: v, AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token, Expiration: exp, AccountID: acct}
		got, ok := o.indented()
		if !ok {
			return
		}
		ref, _ := json.MarshalIndent(o, "", "  ")
		if string(got) != string(ref)+"\n" {
			t.Fatalf("indented:\n%s\nwriteJSON:\n%s", got, ref)
		}
	})
}
