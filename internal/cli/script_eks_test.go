package cli_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/secretstore"
)

// kubectlCondition is [kubectl]: a kubectl to run (PATH, else the one
// scripts/install-test-deps.sh builds into $XDG_CACHE_HOME or ~/.cache).
// Under CI a missing kubectl fails the script instead of skipping it.
func kubectlCondition() (bool, error) {
	if p, err := exec.LookPath("kubectl"); err == nil && p != "" {
		return true, nil
	}
	if os.Getenv("CI") == "true" {
		return false, errors.New("kubectl is missing under CI: scripts/install-test-deps.sh installs it")
	}
	return false, nil
}

// eksexpire: make every cached EKS token expire within the cache's
// margin, so that the next `assume eks token` signs a new one.
func cmdEKSExpire(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: eksexpire")
	}
	st, err := secretstore.Cache(secretstore.Options{Getenv: ts.Getenv})
	ts.Check(err)
	keys, err := st.List("eks/")
	ts.Check(err)
	if len(keys) == 0 {
		ts.Fatalf("eksexpire: no cached EKS token")
	}
	for _, k := range keys {
		b, err := st.Get(k)
		ts.Check(err)
		var m map[string]any
		ts.Check(json.Unmarshal(b, &m))
		m["exp"] = time.Now().Add(cache.EKSTokenMargin / 2).UTC().Format(time.RFC3339Nano)
		b, err = json.Marshal(m)
		ts.Check(err)
		ts.Check(st.Set(k, b))
	}
}
