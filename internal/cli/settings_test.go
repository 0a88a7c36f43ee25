package cli

import (
	"strings"
	"testing"
)

func TestSettingsCompletions(t *testing.T) {
	tests := []struct {
		words []string
		want  string
	}{
		{nil, "ls get set unset browser path"},
		{[]string{"get"}, "browser browser_path keychain cache sso_cache cache_margin default_region picker_order auto_refresh color console_duration mfa_prompt"},
		{[]string{"set", "cache"}, "file keychain"},
		{[]string{"set", "auto_refresh"}, "true false"},
		{[]string{"set", "cache_margin"}, ""},
		{[]string{"set", "nope"}, ""},
		{[]string{"browser"}, "auto default chrome chromium brave edge vivaldi firefox firefox-plain none"},
		{[]string{"ls"}, "--json"},
		{[]string{"set", "cache", "file"}, ""},
	}
	for _, tt := range tests {
		if got := strings.Join(settingsCompletions(tt.words), " "); got != tt.want {
			t.Errorf("settingsCompletions(%q) = %q, want %q", tt.words, got, tt.want)
		}
	}
}

func TestSettingsHelpListsEveryKey(t *testing.T) {
	help := settingsHelp()
	for _, k := range settingsCompletions([]string{"get"}) {
		if !strings.Contains(help, "\n  "+k+" ") {
			t.Errorf("help does not list %s", k)
		}
	}
}
