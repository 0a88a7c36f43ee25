package cli

import (
	"os"
	"strings"
	"testing"
)

// TestManPageCurrent keeps docs/man/assume.1 in step with the help text
// (make man rewrites it).
func TestManPageCurrent(t *testing.T) {
	b, err := os.ReadFile("../../docs/man/assume.1")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != manPage() {
		t.Fatal("docs/man/assume.1 is out of date: run make man")
	}
}

// TestEveryCommandHasHelp: every visible command answers --help with usage
// and examples.
func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		if c.summary == "" || c.name == "help" {
			continue
		}
		h, ok := lookupHelp(c.name)
		if !ok {
			t.Errorf("command %s has no help topic", c.name)
			continue
		}
		if len(h.examples) == 0 || len(h.usage) == 0 {
			t.Errorf("help of %s lacks usage or examples", c.name)
		}
		var b strings.Builder
		if err := writeHelp(&b, h); err != nil || !strings.Contains(b.String(), "Usage:") {
			t.Errorf("help of %s: %v", c.name, err)
		}
	}
}
