// Command kubectl is the upstream kubectl, built from the k8s.io/kubectl
// module for the end-to-end tests when no kubectl is installed
// (scripts/install-test-deps.sh). It is a module of its own, so that none
// of it is ever linked into assume's binaries.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
)

func main() {
	os.Exit(cli.Run(cmd.NewDefaultKubectlCommand()))
}
