package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/assume-cli/assume/internal/flags"
)

// Set at build time by make build / scripts/release.sh with
// -ldflags "-X .../internal/cli.Commit=… -X .../internal/cli.Date=… -X .../internal/cli.Dirty=true".
// Date is the commit's time (not the build's), so that two builds of one
// commit are byte-identical. `assume --version` prints only Version and reads
// nothing else (the fast path in cli.go); `assume version` fills what the
// flags left empty from the binary's build info, read only then.
var (
	Commit = ""
	Date   = ""
	Dirty  = ""
)

// versionInfo is `assume version --json`.
type versionInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
	Dirty   bool   `json:"dirty"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

// buildVersion collects the version from the link-time variables, then from
// the build info (`go install …@v1.2.3` records the module version, a build
// in a clone with -buildvcs the revision, time and modified flag).
func buildVersion(bi *debug.BuildInfo) versionInfo {
	v := versionInfo{Version: Version, Commit: Commit, Date: Date, Dirty: Dirty == "true",
		Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	// A version that git describe made from a dirty tree says so itself.
	if strings.HasSuffix(v.Version, "-dirty") {
		v.Dirty = true
	}
	if bi == nil {
		return v
	}
	if v.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v.Version = bi.Main.Version
	}
	if bi.GoVersion != "" {
		v.Go = bi.GoVersion
	}
	fromFlags := Commit != ""
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && v.Commit == "":
			v.Commit = s.Value
		case s.Key == "vcs.time" && v.Date == "":
			v.Date = s.Value
		case s.Key == "vcs.modified" && !fromFlags:
			v.Dirty = v.Dirty || s.Value == "true"
		}
	}
	return v
}

// runVersion is `assume version [--json]`.
func runVersion(_ context.Context, args []string, s *invocation) error {
	var asJSON bool
	pos, err := simpleFlags(s, "version", args, func(fs *flags.FlagSet) { fs.BindBool(&asJSON, "json") })
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("version takes no arguments: assume version [--json]")
	}
	bi, _ := debug.ReadBuildInfo()
	v := buildVersion(bi)
	if asJSON {
		return writeJSON(s, v)
	}
	commit, date := orUnknown(v.Commit), orUnknown(v.Date)
	if v.Dirty {
		commit += " (dirty tree: uncommitted changes)"
	}
	_, err = fmt.Fprintf(s.Out, "assume %s\ncommit:   %s\ndate:     %s\ngo:       %s\nplatform: %s/%s\n",
		v.Version, commit, date, v.Go, v.OS, v.Arch)
	return err
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
