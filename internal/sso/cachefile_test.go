package sso

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestFileNames(t *testing.T) {
	tests := []struct {
		name string
		sess Session
		tok  string // token file
		reg  string // registration file
	}{
		{"sso-session", Session{Name: "my-sso", StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1", Scopes: []string{"sso:account:access"}},
			"0ad374308c5a4e22f723adf10145eafad7c4031c.json", "a8343d65418848d0bc13a5f25cbb32508ceec5d1.json"},
		{"sso-session, default scopes", Session{Name: "my-sso", StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1"},
			"0ad374308c5a4e22f723adf10145eafad7c4031c.json", "a8343d65418848d0bc13a5f25cbb32508ceec5d1.json"},
		{"legacy", Session{Profile: "p", StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1"},
			"7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json", "365414a68be7c9bfc776c660981dbdbd942acea4.json"},
		{"legacy, trailing #", Session{StartURL: "https://d-1234567890.awsapps.com/start#", Region: "us-east-1"},
			"7158d12dd6cc6cae0937b06a2c5fef7177265b27.json", ""},
		// Expected hash computed with Python's json.dumps(sort_keys=True).
		{"escapes", Session{Name: "héllo \"x\"/\u2028😀\t<&>", StartURL: "https://d-1234567890.awsapps.com/start#", Region: "eu-west-1",
			Scopes: []string{"sso:account:access", "codewhisperer:completions"}}, "", "8a4bec4987f6f3a790a5e470d51519a1a7a20026.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sess.TokenFileName(); tt.tok != "" && got != tt.tok {
				t.Errorf("TokenFileName = %s, want %s", got, tt.tok)
			}
			if got := RegistrationFileName(tt.sess); tt.reg != "" && got != tt.reg {
				t.Errorf("RegistrationFileName = %s, want %s (key %s)", got, tt.reg, registrationKey(tt.sess.StartURL, tt.sess.Region, tt.sess.RegistrationScopes(), tt.sess.Name))
			}
		})
	}
}

func TestPyString(t *testing.T) {
	// Expected values printed by Python's json.dumps.
	tests := []struct{ in, want string }{
		{`a"b\c/d`, `"a\"b\\c/d"`},
		{"é😀\u2028\x7f\x01\n<&>", `"\u00e9\ud83d\ude00\u2028\u007f\u0001\n<&>"`},
		{"tab\there\r\b\f", `"tab\there\r\b\f"`},
		{"", `""`},
		{"bad\xffutf8", `"bad\ufffdutf8"`},
	}
	for _, tt := range tests {
		if got := pyString(tt.in); got != tt.want {
			t.Errorf("pyString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := pyStrings(nil); got != "null" {
		t.Errorf("pyStrings(nil) = %s", got)
	}
	if got := pyStrings([]string{"a", "b"}); got != `["a", "b"]` {
		t.Errorf("pyStrings = %s", got)
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2026, 11, 27, 1, 58, 15, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"2026-11-27T01:58:15Z", want, false},
		{"2026-11-27T01:58:15+00:00", want, false},
		{"2026-11-27T01:58:15UTC", want, false},        // AWS CLI 2.0.0–2.1.13
		{"2026-11-27T01:58:15.000000UTC", want, false}, // with a fraction
		{"2026-11-27T01:58:15", want, false},           // no zone: UTC
		{"2026-11-27 01:58:15+00:00", want, false},     // Python str(datetime)
		{"2026-11-27T01:58:15.5Z", want.Add(500 * time.Millisecond), false},
		{"2026-11-27T03:58:15+02:00", want, false},
		{"2026-11-26T20:58:15-05:00", want, false},
		{"2026-11-27T01:58:15-00:00", want, false},
		{"2026-11-27T01:58:15z", want, false},
		{" 2026-11-27T01:58:15Z ", want, false},
		{"", time.Time{}, true},
		{"tomorrow", time.Time{}, true},
		{"2026-13-27T01:58:15Z", time.Time{}, true},
		{"1795715883", time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseTime(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// Fixtures shaped exactly like the files of aws-protocols.md §5.
const (
	// AWS CLI 2.9.19 after `aws sso login` (sso-session, device flow).
	cliTokenFile = `{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "AT-good", "expiresAt": "2026-11-27T01:58:15Z", "clientId": "CLIENTID", "clientSecret": "CLIENTSECRET", "registrationExpiresAt": "2027-02-24T17:58:14Z", "refreshToken": "RT-1"}`
	// The Go SDK after a refresh: sorted keys, compact, trailing newline.
	goTokenFile = `{"accessToken":"AT-good","clientId":"CLIENTID","clientSecret":"CLIENTSECRET","expiresAt":"2026-11-27T01:58:42Z","refreshToken":"RT-1","region":"us-east-1","registrationExpiresAt":"2027-02-24T17:58:14Z","startUrl":"https://d-1234567890.awsapps.com/start"}` + "\n"
	// AWS CLI before 2.1.14, legacy profile: no registration in the file.
	oldCLITokenFile = `{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "AT-old", "expiresAt": "2020-06-17T10:02:08UTC"}`
	// The CLI's registration cache entry.
	cliRegistrationFile = `{"clientId": "CLIENTID", "clientSecret": "CLIENTSECRET", "expiresAt": "2027-02-24T17:58:14Z", "scopes": ["sso:account:access"]}`
	// CLI >= 2.22 authorization code registration.
	authCodeRegistrationFile = `{"clientId": "CLIENTID", "clientSecret": "CLIENTSECRET", "expiresAt": "2027-02-24T17:58:14Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}`
)

func TestParseTokenFile(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Token
		wantErr string
	}{
		{name: "AWS CLI", in: cliTokenFile, want: Token{
			StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1", AccessToken: "AT-good",
			ExpiresAt: time.Date(2026, 11, 27, 1, 58, 15, 0, time.UTC), ClientID: "CLIENTID", ClientSecret: "CLIENTSECRET",
			RegistrationExpiresAt: time.Date(2027, 2, 24, 17, 58, 14, 0, time.UTC), RefreshToken: "RT-1"}},
		{name: "Go SDK", in: goTokenFile, want: Token{
			StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1", AccessToken: "AT-good",
			ExpiresAt: time.Date(2026, 11, 27, 1, 58, 42, 0, time.UTC), ClientID: "CLIENTID", ClientSecret: "CLIENTSECRET",
			RegistrationExpiresAt: time.Date(2027, 2, 24, 17, 58, 14, 0, time.UTC), RefreshToken: "RT-1"}},
		{name: "old CLI UTC suffix", in: oldCLITokenFile, want: Token{
			StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1", AccessToken: "AT-old",
			ExpiresAt: time.Date(2020, 6, 17, 10, 2, 8, 0, time.UTC)}},
		{name: "offset and nulls", in: `{"accessToken": "x", "expiresAt": "2026-11-27T01:58:15+00:00", "refreshToken": null, "registrationExpiresAt": null}`,
			want: Token{AccessToken: "x", ExpiresAt: time.Date(2026, 11, 27, 1, 58, 15, 0, time.UTC)}},
		{name: "no accessToken", in: `{"expiresAt": "2026-11-27T01:58:15Z"}`, wantErr: "no accessToken"},
		{name: "empty accessToken", in: `{"accessToken": "", "expiresAt": "2026-11-27T01:58:15Z"}`, wantErr: "no accessToken"},
		{name: "no expiresAt", in: `{"accessToken": "x"}`, wantErr: "no expiresAt"},
		{name: "bad expiresAt", in: `{"accessToken": "x", "expiresAt": "soon"}`, wantErr: "expiresAt"},
		{name: "numeric token", in: `{"accessToken": 5, "expiresAt": "2026-11-27T01:58:15Z"}`, wantErr: "accessToken is not a string"},
		{name: "array", in: `["accessToken"]`, wantErr: "not a JSON object"},
		{name: "trailing data", in: `{"accessToken": "x", "expiresAt": "2026-11-27T01:58:15Z"} {}`, wantErr: "data after"},
		{name: "not JSON", in: `accessToken=x`, wantErr: "not JSON"},
		{name: "truncated", in: `{"accessToken": "x", "expiresAt": "2026-11-27T01:58:15Z"`, wantErr: "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTokenFile([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.extra = nil
			if got.StartURL != tt.want.StartURL || got.Region != tt.want.Region || got.AccessToken != tt.want.AccessToken ||
				!got.ExpiresAt.Equal(tt.want.ExpiresAt) || got.ClientID != tt.want.ClientID || got.ClientSecret != tt.want.ClientSecret ||
				!got.RegistrationExpiresAt.Equal(tt.want.RegistrationExpiresAt) || got.RefreshToken != tt.want.RefreshToken {
				t.Errorf("got  %+v\nwant %+v", fields(got), fields(&tt.want))
			}
		})
	}
}

// fields renders every field of a token, secrets included (tests only).
func fields(t *Token) string {
	return strings.Join([]string{t.StartURL, t.Region, t.AccessToken, formatTime(t.ExpiresAt), t.ClientID, t.ClientSecret,
		formatTime(t.RegistrationExpiresAt), t.RefreshToken}, "|")
}

func TestTokenFileRoundTrip(t *testing.T) {
	// A file the CLI wrote comes back byte for byte.
	tok, err := ParseTokenFile([]byte(cliTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(MarshalTokenFile(tok)); got != cliTokenFile {
		t.Errorf("CLI file rewritten as\n%s\nwant\n%s", got, cliTokenFile)
	}
	// The Go SDK's file is rewritten in the CLI's layout, values unchanged.
	tok, err = ParseTokenFile([]byte(goTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(cliTokenFile, "01:58:15Z", "01:58:42Z", 1)
	if got := string(MarshalTokenFile(tok)); got != want {
		t.Errorf("Go file rewritten as\n%s\nwant\n%s", got, want)
	}
	// The legacy UTC suffix becomes Z.
	tok, err = ParseTokenFile([]byte(oldCLITokenFile))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(MarshalTokenFile(tok)), strings.Replace(oldCLITokenFile, "UTC", "Z", 1); got != want {
		t.Errorf("old file rewritten as\n%s\nwant\n%s", got, want)
	}
}

func TestTokenFileKeepsUnknownKeys(t *testing.T) {
	in := `{"startUrl": "https://x.test/start", "futureKey": {"a": [1, 2.5, null]}, "accessToken": "AT", "expiresAt": "2026-11-27T01:58:15Z", "refreshToken": "RT", "note":"é"}`
	tok, err := ParseTokenFile([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	tok.AccessToken = "AT-2"
	tok.ExpiresAt = tok.ExpiresAt.Add(time.Hour)
	tok.RefreshToken = "" // a refresh answer without one drops it
	got := string(MarshalTokenFile(tok))
	want := `{"startUrl": "https://x.test/start", "accessToken": "AT-2", "expiresAt": "2026-11-27T02:58:15Z", "futureKey": {"a": [1, 2.5, null]}, "note": "é"}`
	if got != want {
		t.Errorf("rewritten as\n%s\nwant\n%s", got, want)
	}
	again, err := ParseTokenFile([]byte(got))
	if err != nil {
		t.Fatal(err)
	}
	if raw, ok := again.extra.get("futureKey"); !ok || string(raw) != `{"a": [1, 2.5, null]}` {
		t.Errorf("futureKey after a second round trip: %s", raw)
	}
}

func TestRegistrationFile(t *testing.T) {
	for _, in := range []string{cliRegistrationFile, authCodeRegistrationFile} {
		r, err := ParseRegistrationFile([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if r.ClientID != "CLIENTID" || r.ClientSecret != "CLIENTSECRET" || formatTime(r.ExpiresAt) != "2027-02-24T17:58:14Z" {
			t.Errorf("parsed %s", fieldsReg(r))
		}
		if got := string(MarshalRegistrationFile(r)); got != in {
			t.Errorf("rewritten as\n%s\nwant\n%s", got, in)
		}
	}
	legacyReg := `{"clientId": "C", "clientSecret": "S", "expiresAt": "2027-02-24T17:58:14Z"}`
	r, err := ParseRegistrationFile([]byte(legacyReg))
	if err != nil || r.Scopes != nil || string(MarshalRegistrationFile(r)) != legacyReg {
		t.Errorf("legacy registration: %v %v", r, err)
	}
	for _, bad := range []string{`{}`, `{"clientId": "C"}`, `{"clientId": "C", "clientSecret": "S", "scopes": "x"}`, `[]`, `{"clientId": "C", "clientSecret": "S", "expiresAt": 7}`} {
		if _, err := ParseRegistrationFile([]byte(bad)); err == nil {
			t.Errorf("ParseRegistrationFile(%s) accepted", bad)
		}
	}
}

func fieldsReg(r *Registration) string {
	return r.ClientID + "|" + r.ClientSecret + "|" + formatTime(r.ExpiresAt) + "|" + strings.Join(r.Scopes, ",") + "|" + strings.Join(r.GrantTypes, ",")
}

func TestSecretsNotPrinted(t *testing.T) {
	tok, err := ParseTokenFile([]byte(cliTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := ParseRegistrationFile([]byte(cliRegistrationFile))
	c := Credentials{AccessKeyID: "ASIAX", SecretAccessKey: "SECRETKEY", SessionToken: "SESSIONTOKEN"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		out := sprintf(format, tok) + sprintf(format, *tok) + sprintf(format, r) + sprintf(format, c) + sprintf(format, &c)
		for _, secret := range []string{"AT-good", "RT-1", "CLIENTSECRET", "SECRETKEY", "SESSIONTOKEN"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s prints %s: %s", format, secret, out)
			}
		}
	}
}

func FuzzParseTokenFile(f *testing.F) {
	for _, s := range []string{cliTokenFile, goTokenFile, oldCLITokenFile, `{"accessToken": "x", "expiresAt": "2026-11-27T01:58:15+02:00", "x": [{}]}`, `{}`, `{"a":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := ParseTokenFile(data)
		if err != nil {
			return
		}
		out := MarshalTokenFile(tok)
		again, err := ParseTokenFile(out)
		if err != nil {
			t.Fatalf("rewritten file %q does not parse: %v", out, err)
		}
		// The rewrite is a fixed point and keeps every value.
		if fields(again) != fields(tok) {
			t.Fatalf("values changed: %s -> %s", fields(tok), fields(again))
		}
		if !bytes.Equal(MarshalTokenFile(again), out) {
			t.Fatalf("second rewrite differs:\n%s\n%s", out, MarshalTokenFile(again))
		}
	})
}

func FuzzParseRegistrationFile(f *testing.F) {
	for _, s := range []string{cliRegistrationFile, authCodeRegistrationFile, `{"clientId": "C", "clientSecret": "S"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRegistrationFile(data)
		if err != nil {
			return
		}
		out := MarshalRegistrationFile(r)
		again, err := ParseRegistrationFile(out)
		if err != nil {
			t.Fatalf("rewritten file %q does not parse: %v", out, err)
		}
		if fieldsReg(again) != fieldsReg(r) {
			t.Fatalf("values changed: %s -> %s", fieldsReg(r), fieldsReg(again))
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-11-27T01:58:15Z", "2026-11-27T01:58:15UTC", "2026-11-27 01:58:15+00:00", "2026-11-27T01:58:15.123456789-07:00", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseTime(s)
		if err != nil {
			return
		}
		// What we write, we read back to the second.
		back, err := ParseTime(formatTime(tm))
		if err != nil {
			t.Fatalf("formatTime(%v) = %q does not parse: %v", tm, formatTime(tm), err)
		}
		if !back.Equal(tm.Truncate(time.Second)) {
			t.Fatalf("ParseTime(%q) = %v, written and read back as %v", s, tm, back)
		}
	})
}
