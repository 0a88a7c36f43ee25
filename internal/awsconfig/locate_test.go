package awsconfig

import "testing"

func TestLocateOn(t *testing.T) {
	tests := []struct {
		name      string
		goos      string
		env       map[string]string
		cfg, cred string
	}{
		{"tilde expanded", "linux", map[string]string{"HOME": "/home/u", "AWS_CONFIG_FILE": "~/cfg", "AWS_SHARED_CREDENTIALS_FILE": "~"},
			"/home/u/cfg", "/home/u"},
		{"tilde user left alone", "linux", map[string]string{"HOME": "/home/u", "AWS_CONFIG_FILE": "~bob/cfg"},
			"~bob/cfg", "/home/u/.aws/credentials"},
		{"windows tilde backslash", "windows", map[string]string{"USERPROFILE": `C:\u`, "AWS_CONFIG_FILE": `~\cfg`},
			`C:\u\cfg`, `C:\u\.aws\credentials`},
		{"no home on linux ignores USERPROFILE", "darwin", map[string]string{"USERPROFILE": "/x"},
			".aws/config", ".aws/credentials"},
		{"root home", "linux", map[string]string{"HOME": "/"}, "/.aws/config", "/.aws/credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, cred := LocateOn(tc.goos, func(k string) string { return tc.env[k] })
			if cfg != tc.cfg || cred != tc.cred {
				t.Errorf("got %q %q, want %q %q", cfg, cred, tc.cfg, tc.cred)
			}
		})
	}
}

func TestProfileFromEnv(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "default"},
		{map[string]string{"AWS_DEFAULT_PROFILE": "b"}, "b"},
		{map[string]string{"AWS_DEFAULT_PROFILE": "b", "AWS_PROFILE": "a"}, "a"},
	}
	for _, tc := range tests {
		if got := ProfileFromEnv(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: got %q, want %q", tc.env, got, tc.want)
		}
	}
}

func TestLocate(t *testing.T) {
	cfg, cred := Locate(func(k string) string { return map[string]string{"HOME": "/h"}[k] })
	if cfg == "" || cred == "" {
		t.Errorf("Locate = %q %q", cfg, cred)
	}
}
