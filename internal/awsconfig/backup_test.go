package awsconfig

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBackupRedactsWhatTheEditRemoved(t *testing.T) {
	old := "# keys\r\n[bob]\r\naws_access_key_id = AKIAOLD\r\naws_secret_access_key=old-secret ; mine\r\n" +
		"aws_session_token =\r\n  tok-line-1\r\n  tok-line-2\r\nregion = eu-west-1\r\n[keep]\r\naws_secret_access_key = kept-secret\r\n"
	updated := "# keys\r\n[bob]\r\naws_access_key_id = AKIANEW\r\naws_secret_access_key = new-secret\r\nregion = eu-west-1\r\n" +
		"[keep]\r\naws_secret_access_key = kept-secret\r\n"
	got := string(Backup([]byte(old), []byte(updated)))
	want := "# keys\r\n[bob]\r\naws_access_key_id = AKIAOLD\r\naws_secret_access_key=" + RedactedValue + " ; mine\r\n" +
		"aws_session_token = " + RedactedValue + "\r\nregion = eu-west-1\r\n[keep]\r\naws_secret_access_key = kept-secret\r\n"
	if got != want {
		t.Errorf("Backup =\n%q\nwant\n%q", got, want)
	}
	if l := LeftoverSecrets([]byte(old), []byte(updated)); !slices.Equal(l, []int{4, 5}) {
		t.Errorf("LeftoverSecrets = %v, want [4 5]", l)
	}
	if l := LeftoverSecrets([]byte(got), []byte(updated)); len(l) != 0 {
		t.Errorf("LeftoverSecrets of a redacted backup = %v", l)
	}
	// Nothing secret removed: the backup is the old file unchanged.
	same := "[a]\naws_secret_access_key = s1\nregion = x\n"
	if got := Backup([]byte(same), []byte("[a]\naws_secret_access_key = s1\n")); string(got) != same {
		t.Errorf("Backup without removed secrets = %q", got)
	}
}

func TestIsSecretKey(t *testing.T) {
	for k, want := range map[string]bool{
		"aws_secret_access_key": true, "AWS_Session_Token": true, "aws_security_token": true,
		"x_password": true, "some_secret": true, "aws_access_key_id": false, "web_identity_token_file": false,
		"region": false, "sso_start_url": false,
	} {
		if IsSecretKey(k) != want {
			t.Errorf("IsSecretKey(%q) = %v", k, !want)
		}
	}
}

// TestUpdateFileBackupHoldsNoRemovedSecret is the regression test of a
// `.bak` that kept the secret an edit removed (assume creds import).
func TestUpdateFileBackupHoldsNoRemovedSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(path, []byte("[bob]\naws_access_key_id = AKIA1\naws_secret_access_key = s3cr3t-value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := UpdateFile(path, 0o600, func(d *Document) error {
		d.Delete("bob", "aws_secret_access_key")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	bak := readString(t, path+".bak")
	if strings.Contains(bak, "s3cr3t-value") {
		t.Errorf("backup holds the removed secret: %q", bak)
	}
	if bak != "[bob]\naws_access_key_id = AKIA1\naws_secret_access_key = "+RedactedValue+"\n" {
		t.Errorf("backup = %q", bak)
	}
}

func TestCleanBackup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(path, []byte("[other]\nregion = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := CleanBackup(path); n != 0 || err != nil {
		t.Errorf("no backup: %d, %v", n, err)
	}
	if err := os.WriteFile(path+".bak", []byte("[bob]\naws_secret_access_key = old\n[other]\nregion = x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := CleanBackup(path)
	if n != 1 || err != nil {
		t.Fatalf("CleanBackup = %d, %v", n, err)
	}
	if got := readString(t, path+".bak"); got != "[bob]\naws_secret_access_key = "+RedactedValue+"\n[other]\nregion = x\n" {
		t.Errorf("cleaned backup = %q", got)
	}
	mode(t, path+".bak", 0o600)
	if n, err := CleanBackup(path); n != 0 || err != nil {
		t.Errorf("second clean: %d, %v", n, err)
	}
}

// FuzzBackup: whatever the files, a backup is the old file with some
// values redacted: it holds no secret value of old that updated lacks, it
// has the same number of lines or fewer (continuations fold), and every
// non-secret line of old is still in it.
func FuzzBackup(f *testing.F) {
	f.Add("[a]\naws_secret_access_key = s\n", "[a]\n")
	f.Add("[a]\r\naws_session_token =\r\n  x\r\n  y\r\nregion=r\r\n", "[a]\r\naws_session_token = z\r\n")
	f.Add("[a]\naws_secret_access_key = s # c\n[b]\naws_secret_access_key = t", "[b]\naws_secret_access_key = t\n")
	f.Add("x\n[a\nAWS_SECRET_ACCESS_KEY=s\n", "")
	f.Add("[a]\n\tsub = 1\naws_security_token = q;r\n", "[a]\nfoo_password = q\n")
	f.Fuzz(func(t *testing.T, old, updated string) {
		got := Backup([]byte(old), []byte(updated))
		kept := secretValues([]byte(updated))
		d, _ := Parse(got)
		for _, s := range d.sections {
			for _, sp := range s.spans() {
				if v := s.value(sp); IsSecretKey(sp.key) && v != "" && v != RedactedValue && !kept[v] {
					t.Fatalf("backup keeps the removed secret of %s: %q", sp.key, got)
				}
			}
		}
		if l := LeftoverSecrets(got, []byte(updated)); len(l) != 0 {
			t.Fatalf("LeftoverSecrets of a backup = %v", l)
		}
		if bytes.Count(got, []byte("\n")) > bytes.Count([]byte(old), []byte("\n")) {
			t.Fatalf("backup has more lines than the file: %q", got)
		}
		if !bytes.Contains([]byte(old), []byte(RedactedValue)) && len(LeftoverSecrets([]byte(old), []byte(updated))) == 0 && string(got) != old {
			t.Fatalf("nothing to redact, yet the backup differs: %q", got)
		}
	})
}
