package chain

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestMFAHelperKeys(t *testing.T) {
	cfg := `[profile a]
role_arn = arn:aws:iam::222222222222:role/a
source_profile = u
mfa_serial = arn:aws:iam::111111111111:mfa/u
mfa_process = pass otp aws
mfa_prompt = ykman
x_assume_ykman_account = AWS:u
`
	cred := "[u]\naws_access_key_id = AKIAU\naws_secret_access_key = s\n"
	p, err := Resolve(files(cfg, cred), "a")
	if err != nil {
		t.Fatal(err)
	}
	st := p.Steps[1]
	if st.MFAProcess.Text != "pass otp aws" || st.MFAPrompt.Text != "ykman" || st.YkmanAccount.Text != "AWS:u" {
		t.Fatalf("step = %+v", st)
	}
	// They do not change the credentials, so not the cache key either.
	plain, err := Resolve(files(strings.Join(strings.Split(cfg, "\n")[:4], "\n")+"\n", cred), "a")
	if err != nil {
		t.Fatal(err)
	}
	if plain.CacheKey() != p.CacheKey() {
		t.Error("the MFA helper keys changed the cache key")
	}
	var b bytes.Buffer
	if err := p.WriteExplain(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"mfa_process  pass otp aws", "mfa_prompt  ykman", "ykman_oath_account  AWS:u"} {
		if !strings.Contains(strings.Join(strings.Fields(b.String()), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("explain lacks %q:\n%s", want, b.String())
		}
	}
	// ykman_oath_account wins over the x_assume_ spelling.
	p, err = Resolve(files(cfg+"ykman_oath_account = AWS:v\n", cred), "a")
	if err != nil || p.Steps[1].YkmanAccount.Text != "AWS:v" {
		t.Fatalf("ykman_oath_account: %v %+v", err, p)
	}
}

func TestMFAHelperKeysInvalid(t *testing.T) {
	base := "[profile a]\nrole_arn = arn:aws:iam::222222222222:role/a\nsource_profile = u\nmfa_serial = arn:aws:iam::111111111111:mfa/u\n"
	cred := "[u]\naws_access_key_id = AKIAU\naws_secret_access_key = s\n"
	for extra, want := range map[string]string{
		"mfa_prompt = gui\n": `mfa_prompt "gui" is not one of terminal, ykman, osascript, zenity, kdialog, powershell`,
		"mfa_process =   \n": "mfa_process is empty",
	} {
		_, err := Resolve(files(base+extra, cred), "a")
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want a ConfigError with %q", extra, err, want)
		}
	}
}

func TestAccountIDKey(t *testing.T) {
	p, err := Resolve(files("[profile p]\ncredential_process = helper\naws_account_id = 123456789012\n", ""), "p")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Steps[0].AccountID; got.Text != "123456789012" || got.Line != 3 {
		t.Errorf("credential_process profile: aws_account_id = %+v", got)
	}
	var b bytes.Buffer
	p.WriteExplain(&b)
	if !strings.Contains(b.String(), "aws_account_id") {
		t.Errorf("explain does not show aws_account_id:\n%s", b.String())
	}
	_, err = Resolve(files("", "[k]\naws_access_key_id = AKIA\naws_secret_access_key = s\naws_account_id = 1234\n"), "k")
	if err == nil || !strings.Contains(err.Error(), `aws_account_id "1234" is not a 12-digit AWS account id`) {
		t.Errorf("bad aws_account_id: %v", err)
	}
}
