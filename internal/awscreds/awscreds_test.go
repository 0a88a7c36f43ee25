package awscreds

import (
	"encoding/json"
	"fmt"
	"log"
	"strings"
	"testing"
	"time"
)

// TestNeverShowsSecrets: no fmt verb, no JSON and no value that embeds the
// credentials shows the secret key or the session token.
func TestNeverShowsSecrets(t *testing.T) {
	c := Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s3cr3t-key", SessionToken: "t0ken",
		Expiration: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	type wrapper struct {
		Name  string
		Creds Credentials
		Ptr   *Credentials
	}
	w := wrapper{"dev", c, &c}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, c), fmt.Sprintf(verb, &c), fmt.Sprintf(verb, w))
	}
	outs = append(outs, fmt.Sprint(c), fmt.Sprintln(c, w))
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	outs = append(outs, string(b))
	var buf strings.Builder
	log.New(&buf, "", 0).Printf("%+v", w)
	outs = append(outs, buf.String())
	for _, out := range outs {
		if strings.Contains(out, "s3cr3t") || strings.Contains(out, "t0ken") {
			t.Errorf("shows a secret: %s", out)
		}
	}
	if got := fmt.Sprintf("%v", c); got != "credentials ASIAEXAMPLE (secrets redacted)" {
		t.Errorf("%%v = %q", got)
	}
	if !strings.Contains(string(b), `"access_key_id":"ASIAEXAMPLE"`) || !strings.Contains(string(b), `"expiration":"2030-01-02T03:04:05Z"`) {
		t.Errorf("JSON %s", b)
	}
	if !c.Temporary() || (Credentials{AccessKeyID: "AKIA"}).Temporary() {
		t.Error("Temporary")
	}
}
