// Command assume gets temporary AWS credentials for a profile and exports
// them into the current shell. All logic lives in internal/cli.
package main

import (
	"os"

	"github.com/assume-cli/assume/internal/cli"
	"github.com/assume-cli/assume/internal/term"
)

func main() {
	growStack(0)
	os.Exit(cli.Main(os.Args[1:], term.System()))
}

// growStack has a 20 KiB frame that it never touches (n is always 0): its
// call grows the main goroutine's stack to 32 KiB in one step, while little
// of it is in use. Without it a cache hit grows the stack three times
// (4, 8, 16 KiB), and each first use of a size carves a fresh pool span and
// copies the stack: about a dozen page faults, each a sizeable share of a
// process start on a virtual machine (docs/performance.md).
//
//go:noinline
func growStack(n int) byte {
	if n > 0 {
		var frame [20 << 10]byte
		frame[n%len(frame)] = byte(n)
		return frame[(n*7)%len(frame)]
	}
	return 0
}
