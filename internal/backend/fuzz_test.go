package backend

import (
	"strings"
	"testing"
)

// FuzzParseEndpointFlags: any argv parses or fails with a usage error,
// never panics, and everything after the first "--" is the command, as is.
func FuzzParseEndpointFlags(f *testing.F) {
	for _, seed := range []string{
		"-- aws s3 ls", "--print json --addr 127.0.0.1:0", "--addr=localhost:8080 --", "--request-file",
		"--bogus -- x", "stray", "-- -- --", "--print= --addr=",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		fl, err := parseEndpointFlags("exec", args)
		if err != nil {
			if _, ok := err.(badUsage); !ok {
				t.Fatalf("%q: error %v is not a usage error", args, err)
			}
			return
		}
		for i, a := range args {
			if a == "--" {
				if strings.Join(fl.rest, "\x00") != strings.Join(args[i+1:], "\x00") {
					t.Fatalf("%q: command %q", args, fl.rest)
				}
				return
			}
		}
		if len(fl.rest) != 0 {
			t.Fatalf("%q: a command without --: %q", args, fl.rest)
		}
	})
}

// FuzzDecodeRequest: the request on the private channel decodes or fails
// with an error that quotes none of it (it may hold an MFA code).
func FuzzDecodeRequest(f *testing.F) {
	for _, seed := range []string{
		`{"op":"endpoint","profile":"dev","region":"eu-west-1","mfa_token":"123456","prompt":true}`,
		`{"sso":{"start_url":"https://x.awsapps.com/start","region":"us-east-1","account_id":"1","role_name":"r"}}`,
		`{"duration":3600000000000}`, `{`, `[]`, `null`, ``, `{"profile":7}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decodeRequest(strings.NewReader(string(data)))
		if err != nil {
			if req != nil {
				t.Fatal("a request and an error")
			}
			if len(data) >= 8 && strings.Contains(err.Error(), string(data)) {
				t.Fatalf("error quotes the input: %v", err)
			}
		}
	})
}
