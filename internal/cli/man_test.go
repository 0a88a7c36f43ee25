package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/commands"
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
// and examples, and every declared command has code.
func TestEveryCommandHasHelp(t *testing.T) {
	for i := range commands.All {
		c := &commands.All[i]
		if runnerOf(c.Name) == nil {
			t.Errorf("command %s is declared but has no code (runnerOf)", c.Name)
		}
		if c.Hidden() || c.Name == "help" {
			continue
		}
		h, ok := lookupHelp(c.Name)
		if !ok {
			t.Errorf("command %s has no help topic", c.Name)
			continue
		}
		if len(h.Examples) == 0 || len(h.UsageLines()) == 0 {
			t.Errorf("help of %s lacks usage or examples", c.Name)
		}
		var b strings.Builder
		if err := writeHelp(&b, h); err != nil || !strings.Contains(b.String(), "Usage:") {
			t.Errorf("help of %s: %v", c.Name, err)
		}
	}
}
