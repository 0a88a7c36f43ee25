package keyring

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestNativeBackendsBuilt fails when a platform's native backend drops out
// of its build (a mistyped build tag, a file renamed): release builds for
// macOS and Windows must keep theirs.
func TestNativeBackendsBuilt(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	tests := []struct {
		goos  string
		files []string
	}{
		{"darwin", []string{"keychain_darwin.go", "security.go", "pass.go", "file.go"}},
		{"windows", []string{"wincred_windows.go", "file.go"}},
		{"linux", []string{"secretservice_linux.go", "pass.go", "file.go"}},
	}
	for _, tt := range tests {
		for _, arch := range []string{"amd64", "arm64"} {
			t.Run(tt.goos+"/"+arch, func(t *testing.T) {
				cmd := exec.Command(gobin, "list", "-f", "{{join .GoFiles \" \"}}", ".")
				cmd.Env = append(cmd.Environ(), "GOOS="+tt.goos, "GOARCH="+arch, "CGO_ENABLED=0")
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("go list: %v\n%s", err, out)
				}
				got := strings.Fields(string(out))
				for _, f := range tt.files {
					if !slices.Contains(got, f) {
						t.Errorf("%s/%s build lacks %s (files: %s)", tt.goos, arch, f, out)
					}
				}
			})
		}
	}
}
