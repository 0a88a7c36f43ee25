package cli

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func setVersionVars(t *testing.T, version, commit, date, dirty string) {
	t.Helper()
	ov, oc, od, odirty := Version, Commit, Date, Dirty
	t.Cleanup(func() { Version, Commit, Date, Dirty = ov, oc, od, odirty })
	Version, Commit, Date, Dirty = version, commit, date, dirty
}

func TestBuildVersionFromLinkFlags(t *testing.T) {
	setVersionVars(t, "v1.2.3", "0123456789abcdef0123456789abcdef01234567", "2026-12-07T10:00:00Z", "false")
	// Build info that disagrees loses against the flags of make release.
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "ffff"}, {Key: "vcs.time", Value: "2000-01-01T00:00:00Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	v := buildVersion(bi)
	want := versionInfo{Version: "v1.2.3", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-12-07T10:00:00Z",
		Go: "go1.26.8", OS: runtime.GOOS, Arch: runtime.GOARCH}
	if v != want {
		t.Fatalf("got %+v, want %+v", v, want)
	}
}

func TestBuildVersionDirty(t *testing.T) {
	setVersionVars(t, "v1.2.3-4-g0123456-dirty", "0123456", "2026-12-07T10:00:00Z", "")
	if v := buildVersion(nil); !v.Dirty {
		t.Fatalf("a -dirty version is not reported dirty: %+v", v)
	}
	setVersionVars(t, "v1.2.3", "0123456", "2026-12-07T10:00:00Z", "true")
	if v := buildVersion(nil); !v.Dirty {
		t.Fatalf("Dirty=true is not reported dirty: %+v", v)
	}
}

func TestBuildVersionFromBuildInfo(t *testing.T) {
	// go install github.com/assume-cli/assume/cmd/assume@v1.4.0: no link
	// flags; the module version and (in a clone) the VCS stamp.
	setVersionVars(t, "dev", "", "", "")
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	v := buildVersion(bi)
	if v.Version != "v1.4.0" || v.Commit != "abc" || v.Date != "2026-01-02T03:04:05Z" || !v.Dirty {
		t.Fatalf("got %+v", v)
	}
	// A plain build without VCS stamp: dev, unknown commit, not dirty.
	v = buildVersion(&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}})
	if v.Version != "dev" || v.Commit != "" || v.Dirty {
		t.Fatalf("got %+v", v)
	}
}
