package cli

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/assume-cli/assume/internal/exitcode"
)

// `assume help exit-codes` lists every code of internal/exitcode (whose own
// test compares them with docs/exit-codes.md), and no other.
func TestExitCodesHelpListsEveryCode(t *testing.T) {
	listed := map[int]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  (\d+)(?: / (\d+))? `).FindAllStringSubmatch(exitCodesText, -1) {
		for _, g := range m[1:] {
			if g != "" {
				n, _ := strconv.Atoi(g)
				listed[n] = true
			}
		}
	}
	for _, c := range []int{exitcode.OK, exitcode.Failure, exitcode.Usage, exitcode.Config, exitcode.Auth, exitcode.Interaction, exitcode.Network, exitcode.Cancelled} {
		if !listed[c] {
			t.Errorf("assume help exit-codes does not list %d", c)
		}
		delete(listed, c)
	}
	for c := range listed {
		t.Errorf("assume help exit-codes lists %d, which has no constant", c)
	}
}
