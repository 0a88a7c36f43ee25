package shell

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// The pwsh emitter through a real PowerShell 7: random values are emitted,
// dot-sourced and read back from Env: as JSON. PowerShell cannot be
// installed on the development machine; the Windows, macOS and Linux runners
// of .github/workflows/test.yml have it.
func TestRealPwsh(t *testing.T) {
	prog, err := exec.LookPath("pwsh")
	if err != nil {
		t.Skip("pwsh is not installed (the CI runners have it)")
	}
	script := Script{Set: map[string]string{}, Unset: []string{"ASSUMETEST_U1", "ASSUMETEST_NEVER"}}
	want := map[string]string{}
	for j, v := range randomValues(200, false, 7) {
		// Windows keeps no empty variables (setting one to "" removes it) and
		// no values over 32767 UTF-16 units.
		if runtime.GOOS == "windows" && (v == "" || len(v) > 16000) {
			continue
		}
		name := fmt.Sprintf("ASSUMETEST_V%03d", j)
		script.Set[name] = v
		want[name] = v
	}
	code, err := Emit(Pwsh, script)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "code.ps1")
	if err := os.WriteFile(file, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(prog, "-NoProfile", "-NonInteractive", "-Command",
		`$ErrorActionPreference = 'Stop'; [Console]::OutputEncoding = [Text.UTF8Encoding]::new($false); `+
			`. $env:ASSUMETEST_CODE; $h = @{}; Get-ChildItem Env: | Where-Object Name -like 'ASSUMETEST_*' | ForEach-Object { $h[$_.Name] = $_.Value }; `+
			`$h.Remove('ASSUMETEST_CODE'); $h | ConvertTo-Json -Compress`)
	cmd.Env = append(os.Environ(), "ASSUMETEST_CODE="+file, "ASSUMETEST_U1=old value")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pwsh: %v\n%s", err, out)
	}
	var got map[string]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("pwsh output: %v\n%.300s", err, out)
	}
	for name, v := range want {
		if g, ok := got[name]; !ok || g != v {
			t.Errorf("%s: got %q (set %v), want %q", name, g, ok, v)
		}
	}
	for _, name := range script.Unset {
		if _, ok := got[name]; ok {
			t.Errorf("%s is still set", name)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d variables, want %d", len(got), len(want))
	}
}
