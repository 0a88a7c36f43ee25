//go:build windows

package backend

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/assume-cli/assume/internal/worker"
)

// readRequest reads the request that assume handed over for `exec` and
// `endpoint`: on Windows, which cannot pass extra handles through os/exec,
// from a file only the user can read, in a folder of its own that is
// removed at once.
func readRequest(file string) (*worker.Request, error) {
	if file == "" {
		return nil, fmt.Errorf("%s is started by assume, not by hand", worker.Executable)
	}
	if !filepath.IsAbs(file) {
		return nil, errors.New("--request-file must be an absolute path")
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("reading the request: %v", err)
	}
	req, err := decodeRequest(f)
	f.Close()
	os.RemoveAll(filepath.Dir(file))
	return req, err
}

func decodeRequest(r io.Reader) (*worker.Request, error) {
	var req worker.Request
	if err := json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(&req); err != nil {
		return nil, fmt.Errorf("reading the request: %v", err)
	}
	return &req, nil
}

// detachStdout does nothing on Windows: the front end waits for this
// process, so its output ends only when it does.
func detachStdout() {}
