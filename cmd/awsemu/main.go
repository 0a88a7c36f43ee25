// Command awsemu serves a local emulator of the AWS identity APIs (STS
// today) for tests and demos. See docs/awsemu.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/assume-cli/assume/internal/awsemu"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := awsemu.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
