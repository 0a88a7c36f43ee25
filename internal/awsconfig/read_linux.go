//go:build linux

package awsconfig

import "syscall"

// mapPopulate pre-faults the whole mapping in the mmap call itself.
const mapPopulate = syscall.MAP_POPULATE
