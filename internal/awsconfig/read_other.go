//go:build !unix

package awsconfig

import "os"

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }
