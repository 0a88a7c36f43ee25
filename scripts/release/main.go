// Command release is the part of scripts/release.sh that shell tools do not
// do reproducibly everywhere: archives with fixed metadata, and the package
// manager manifests generated from SHA256SUMS.
//
//	go run ./scripts/release archive -epoch N OUT.tar.gz|OUT.zip DIR
//	go run ./scripts/release manifests -version V -url BASE -sums SHA256SUMS -out DIR
//
// An archive holds DIR's files under DIR's base name, sorted by path, with
// the mtime SOURCE_DATE_EPOCH, owner 0:0 and modes 0755 (executables) or
// 0644: the same input gives the same bytes.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "release: error:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: release archive|manifests ...")
	}
	switch args[0] {
	case "archive":
		return runArchive(args[1:])
	case "manifests":
		return runManifests(args[1:])
	}
	return fmt.Errorf("unknown subcommand %q (archive, manifests)", args[0])
}
