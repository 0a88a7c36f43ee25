// Command assume gets temporary AWS credentials for a profile and exports
// them into the current shell. All logic lives in internal/cli.
package main

import (
	"os"

	"github.com/assume-cli/assume/internal/cli"
	"github.com/assume-cli/assume/internal/term"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], term.System()))
}
