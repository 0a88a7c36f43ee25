package awsmain

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
