package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/awscreds"
)

// A value with a line break cannot be exported; the error names the field
// and not the value, and does not blame permissions.
func TestCheckExportValuesLineBreak(t *testing.T) {
	for _, r := range []*resolved{
		{Credentials: awscreds.Credentials{AccessKeyID: "ASIA", SecretAccessKey: "s\necret-value", SessionToken: "t"}},
		{Credentials: awscreds.Credentials{AccessKeyID: "ASIA", SecretAccessKey: "s", SessionToken: "tok\ren-value"}},
	} {
		err := checkExportValues(r)
		var ee *exitError
		if !errors.As(err, &ee) || ee.Code != ExitFailure {
			t.Fatalf("checkExportValues = %v, want an ExitFailure error", err)
		}
		msg := err.Error()
		if strings.Contains(msg, "ecret-value") || strings.Contains(msg, "en-value") || strings.Contains(strings.Join(ee.Hints, " "), "permission") {
			t.Errorf("message %q (hints %q) quotes the value or blames permissions", msg, ee.Hints)
		}
	}
	if err := checkExportValues(&resolved{Credentials: awscreds.Credentials{AccessKeyID: "ASIA", SecretAccessKey: "s", SessionToken: "t"}}); err != nil {
		t.Errorf("a valid session: %v", err)
	}
}

func TestCheckProfileNameParserRule(t *testing.T) {
	for _, bad := range []string{"de fault", "", " x", "a]b", "a\nb", "é"} {
		if checkProfileName(bad) == nil {
			t.Errorf("checkProfileName(%q) accepted", bad)
		}
	}
	for _, good := range []string{"dev", "dev-temp", "a.b@c:d+e/f%g_h"} {
		if err := checkProfileName(good); err != nil {
			t.Errorf("checkProfileName(%q) = %v", good, err)
		}
	}
}
