package doctor

import (
	"context"
	"strings"
	"testing"
)

// TestSecretInBackup: a backup an earlier version wrote, holding the key
// that assume creds import moved out of the file, is a finding at its line;
// a redacted backup is none.
func TestSecretInBackup(t *testing.T) {
	live := []byte("[other]\nregion = eu-north-1\n")
	old := []byte("[bob]\naws_access_key_id = AKIABOB0000000000001\naws_secret_access_key = bob-secret-1\n[other]\nregion = eu-north-1\n")
	in := Input{CredentialsPath: "~/.aws/credentials", CredentialsData: live, CredentialsBackupData: old,
		ConfigData: []byte("[profile bob]\ncredential_process = assume credential-process --profile bob\n"),
		Getenv:     func(string) string { return "" }}
	var got []Finding
	for _, f := range Run(context.Background(), in) {
		if f.Code == "secret-in-backup" {
			got = append(got, f)
		}
	}
	if len(got) != 1 || got[0].File != "~/.aws/credentials.bak" || got[0].Line != 3 || got[0].Severity != Warning {
		t.Fatalf("findings = %+v", got)
	}
	if strings.Contains(got[0].Message+got[0].Hint, "bob-secret") {
		t.Errorf("the finding quotes the secret: %+v", got[0])
	}
	in.CredentialsBackupData = []byte("[bob]\naws_secret_access_key = REDACTED-by-assume\n")
	for _, f := range Run(context.Background(), in) {
		if f.Code == "secret-in-backup" {
			t.Errorf("redacted backup: %+v", f)
		}
	}
}
