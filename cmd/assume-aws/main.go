// Command assume-aws is the half of assume that talks to AWS. assume starts
// it when it needs the network; it is not meant to be run by hand.
package main

import (
	"os"

	"github.com/assume-cli/assume/internal/awsmain"
	"github.com/assume-cli/assume/internal/term"
)

func main() {
	os.Exit(awsmain.Main(os.Args[1:], term.System()))
}
