package creds

import (
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/chain"
)

func TestCodeOf(t *testing.T) {
	for in, want := range map[string]string{
		"123456\n":                     "123456",
		"  123456  ":                   "123456",
		"Touch your YubiKey\n654321\n": "654321",
		"AWS:alice  012345\n":          "012345",
		"":                             "",
		"12345\n":                      "",
		"1234567":                      "",
		"abcdef":                       "",
		"123456 extra":                 "",
	} {
		got, ok := codeOf([]byte(in))
		if got != want || ok != (want != "") {
			t.Errorf("codeOf(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// FuzzCodeOf: whatever a helper prints, codeOf returns 6 digits or nothing.
func FuzzCodeOf(f *testing.F) {
	for _, s := range []string{"123456\n", "name 123456", "", "\n\n", "12345６", "\x00123456"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		code, ok := codeOf(b)
		if ok != isMFACode(code) || (!ok && code != "") {
			t.Fatalf("codeOf(%q) = %q, %v", b, code, ok)
		}
		if ok && !strings.Contains(string(b), code) {
			t.Fatalf("codeOf(%q) = %q: not in the output", b, code)
		}
	})
}

// The prompt text reaches the dialog as one argument (no shell, no
// AppleScript source), or as a PowerShell string with ' doubled.
func TestDialogArgv(t *testing.T) {
	text := `Enter it; $(rm -rf ~) "x" 'y'`
	for _, kind := range []string{"osascript", "zenity", "kdialog"} {
		argv := dialogArgv(kind, text)
		if argv[0] != kind {
			t.Errorf("%s: runs %q", kind, argv[0])
		}
		n := 0
		for _, a := range argv {
			if strings.Contains(a, text) {
				n++
				if a != text && a != "--text="+text {
					t.Errorf("%s: the text is inside %q", kind, a)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s: the text appears in %d arguments", kind, n)
		}
	}
	ps := dialogArgv("powershell", text)
	if ps[0] != "powershell.exe" || !strings.Contains(ps[len(ps)-1], `InputBox('Enter it; $(rm -rf ~) "x" ''y''', 'assume')`) {
		t.Errorf("powershell: %q", ps)
	}
}

func TestPromptKind(t *testing.T) {
	st := &chain.Step{MFAPrompt: awsconfig.Value{Text: "zenity", Set: true}}
	for _, tc := range []struct {
		flag, setting string
		step          *chain.Step
		want          string
	}{
		{"", "", &chain.Step{}, "terminal"},
		{"", "kdialog", &chain.Step{}, "kdialog"},
		{"", "kdialog", st, "zenity"},
		{"ykman", "kdialog", st, "ykman"},
	} {
		r := &runner{opts: Options{Resolver: Resolver{MFAPromptFlag: tc.flag, MFAPromptSetting: tc.setting}}}
		if got := r.promptKind(tc.step); got != tc.want {
			t.Errorf("flag %q setting %q profile %q: %q, want %q", tc.flag, tc.setting, tc.step.MFAPrompt.Text, got, tc.want)
		}
	}
}
