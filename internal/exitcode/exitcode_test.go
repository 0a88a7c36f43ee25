package exitcode

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// The table of docs/exit-codes.md lists exactly these codes.
func TestDocumentedCodes(t *testing.T) {
	doc, err := os.ReadFile("../../docs/exit-codes.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[int]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\| (\d+)(?: / (\d+))? \|`).FindAllSubmatch(doc, -1) {
		for _, g := range m[1:] {
			if len(g) > 0 {
				n, _ := strconv.Atoi(string(g))
				documented[n] = true
			}
		}
	}
	for _, c := range []int{OK, Failure, Usage, Config, Auth, Interaction, Network, Cancelled} {
		if !documented[c] {
			t.Errorf("code %d is not in docs/exit-codes.md", c)
		}
		delete(documented, c)
	}
	delete(documented, 126) // --exec: the command could not be started
	delete(documented, 127) // --exec: the command was not found
	for c := range documented {
		t.Errorf("docs/exit-codes.md documents code %d, which has no constant", c)
	}
}

type coded struct{ code int }

func (c *coded) Error() string { return "coded" }
func (c *coded) ExitCode() int { return c.code }

func TestOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, OK},
		{errors.New("x"), Failure},
		{context.Canceled, Cancelled},
		{fmt.Errorf("wrapped: %w", context.Canceled), Cancelled},
		{&coded{Auth}, Auth},
		{fmt.Errorf("wrapped: %w", &coded{Network}), Network},
		{With(Usage, &coded{Network}), Usage}, // the outermost code wins
		{With(Config, errors.New("x"), "a hint"), Config},
	} {
		if got := Of(tc.err); got != tc.want {
			t.Errorf("Of(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	if With(Config, nil) != nil {
		t.Error("With(code, nil) is not nil")
	}
}
