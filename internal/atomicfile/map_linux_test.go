//go:build linux

package atomicfile

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

var sink int

// A large file is mapped (no copy); a program truncating it afterwards makes
// the next access fault, which SetPanicOnFault turns into a recoverable
// panic with the faulting address, never a crash of the process.
func TestReadMappedFaultIsRecoverable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	content := bytes.Repeat([]byte("[profile x]\nregion = eu-west-1\n"), 40000) // about 1.2 MB
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	data, _, err := ReadMapped(path, MaxConfigSize)
	if err != nil || !bytes.Equal(data, content) {
		t.Fatalf("ReadMapped = %d bytes, %v", len(data), err)
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	faulted := make(chan bool, 1)
	go func() {
		debug.SetPanicOnFault(true)
		defer func() {
			r := recover()
			_, ok := r.(interface{ Addr() uintptr })
			if !ok {
				t.Logf("recovered %v (%T)", r, r)
			}
			faulted <- ok
		}()
		for i := 0; i < len(data); i += 4096 {
			sink += int(data[i])
		}
	}()
	if !<-faulted {
		t.Fatal("reading the truncated mapping did not fault with an address")
	}
	// Small files are read, not mapped: truncating them changes nothing.
	small := filepath.Join(t.TempDir(), "small")
	os.WriteFile(small, []byte("[profile a]\n"), 0o600)
	b, _, err := ReadMapped(small, MaxConfigSize)
	if err != nil || string(b) != "[profile a]\n" {
		t.Fatalf("small file: %q, %v", b, err)
	}
	os.Truncate(small, 0)
	if string(b) != "[profile a]\n" {
		t.Fatalf("a small file's bytes changed with the file: %q", b)
	}
}
