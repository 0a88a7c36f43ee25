package chain

import (
	"errors"
	"testing"

	"github.com/assume-cli/assume/internal/awsconfig"
)

func TestIsStoredProcess(t *testing.T) {
	for _, c := range []struct {
		cmd, profile string
		want         bool
	}{
		{"assume credential-process --profile dev", "dev", true},
		{"/usr/local/bin/assume credential-process --profile=dev", "dev", true},
		{`C:\tools\assume.exe credential-process -p dev`, "dev", true},
		{"assume credential-process --profile 'my prod'", "my prod", true},
		{`assume credential-process --profile "my prod"`, "my prod", true},
		{StoredProcessCommand("it's"), "it's", true},
		{StoredProcessCommand("a b$c"), "a b$c", true},
		{"assume credential-process --profile other", "dev", false},
		{"assume credential-process --profile dev --region eu-west-1", "dev", false},
		{"assume credential-process", "dev", false},
		{"granted credential-process --profile dev", "dev", false},
		{"assume credential-process --profile $P", "dev", false},
		{"assume credential-process --profile dev | tee x", "dev", false},
		{"assume credential-process --profile 'dev", "dev", false},
		{"", "dev", false},
	} {
		if got := IsStoredProcess(c.cmd, c.profile); got != c.want {
			t.Errorf("IsStoredProcess(%q, %q) = %v, want %v", c.cmd, c.profile, got, c.want)
		}
	}
}

func FuzzIsStoredProcess(f *testing.F) {
	for _, s := range []string{"dev", "my prod", "it's", `a"b`, "x\\y", "$HOME"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, profile string) {
		if profile == "" {
			return
		}
		cmd := StoredProcessCommand(profile)
		if !IsStoredProcess(cmd, profile) && !containsNewline(profile) {
			t.Fatalf("StoredProcessCommand(%q) = %q is not recognised", profile, cmd)
		}
		if IsStoredProcess(cmd, profile+"x") {
			t.Fatalf("%q recognised for another profile", cmd)
		}
	})
}

func containsNewline(s string) bool {
	for _, c := range s {
		if c == '\n' {
			return true
		}
	}
	return false
}

func TestStoredKeysPlan(t *testing.T) {
	files := awsconfig.NewFiles("config", []byte("[profile user]\ncredential_process = assume credential-process --profile user\n\n[profile dev]\nrole_arn = arn:aws:iam::222222222222:role/dev\nsource_profile = user\n"), "credentials", nil)
	p, err := Resolve(files, "dev")
	if err != nil {
		t.Fatal(err)
	}
	if p.Steps[0].Kind != KindStored {
		t.Fatalf("first step %s, want %s", p.Steps[0].Kind, KindStored)
	}
	q, err := p.WithStoredKeys(func(profile string) (string, string, error) {
		if profile != "user" {
			t.Errorf("lookup(%q)", profile)
		}
		return "AKIAUSER", "secret", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if q.Steps[0].Kind != KindStatic || q.Steps[0].AccessKeyID.Text != "AKIAUSER" || p.Steps[0].Kind != KindStored {
		t.Fatalf("steps %+v (original %+v)", q.Steps[0], p.Steps[0])
	}
	if q.CacheKey() == p.CacheKey() {
		t.Error("the cache key does not depend on the stored keys")
	}
	_, err = p.WithStoredKeys(func(string) (string, string, error) { return "", "", errors.New("not found") })
	var se *StoredKeysError
	if !errors.As(err, &se) || se.Profile != "user" || se.Hint() == "" {
		t.Fatalf("error %v", err)
	}
}
