package awsmain

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestWriteAccountsCleans: names from the identity provider are shown
// escaped in the table and exact in --json.
func TestWriteAccountsCleans(t *testing.T) {
	accts := []lsAccount{{ID: "333333333333", Name: "a\x1b]0;evil\x07\nFAKE 999", Email: "e\u202e@x", Roles: []string{"Read\x1b[2JOnly", "R\tx"}}}
	var b bytes.Buffer
	if err := writeAccounts(&b, accts, false); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsAny(out, "\x1b\x07\u202e\t") || strings.Count(out, "\n") != 2 {
		t.Errorf("table holds raw controls or a forged row:\n%q", out)
	}
	for _, want := range []string{`a\x1b]0;evil\x07\nFAKE 999`, `e\u202e@x`, `Read\x1b[2JOnly, R\tx`} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	if err := writeAccounts(&b, accts, true); err != nil {
		t.Fatal(err)
	}
	var back []lsAccount
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back[0].Name != accts[0].Name || back[0].Roles[0] != accts[0].Roles[0] {
		t.Errorf("JSON does not keep the names exactly: %v %+v", err, back)
	}
}

func TestDebugWriterCleans(t *testing.T) {
	var b bytes.Buffer
	debugWriter{&b}.Write([]byte("debug: browser: launcher says \x1b[2J\u202e\n"))
	if got, want := b.String(), "assume: debug: browser: launcher says \\x1b[2J\\u202e\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
