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

type faultPanic struct{}

func (faultPanic) Error() string { return "unexpected fault address" }
func (faultPanic) RuntimeError() {}
func (faultPanic) Addr() uintptr { return 0x1000 }

// A memory fault (a mapped config file that shrank under us) is reported
// as a changed file, anything else as a bug.
func TestIsFault(t *testing.T) {
	if !isFault(faultPanic{}) {
		t.Error("a fault is not recognised")
	}
	if isFault("boom") || isFault(nil) {
		t.Error("a plain panic is taken for a fault")
	}
}
