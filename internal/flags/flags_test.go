package flags

import (
	"slices"
	"testing"
)

func TestFlagSet(t *testing.T) {
	tests := []struct {
		args    []string
		region  string
		refresh bool
		pos     []string
		err     string
	}{
		{args: []string{"prod", "-r", "eu-west-1"}, region: "eu-west-1", pos: []string{"prod"}},
		{args: []string{"--region=ap-south-1", "prod", "--refresh"}, region: "ap-south-1", refresh: true, pos: []string{"prod"}},
		{args: []string{"-r=us-west-2", "--refresh=false", "a", "b"}, region: "us-west-2", pos: []string{"a", "b"}},
		{args: []string{"-"}, pos: []string{"-"}},
		{args: []string{"--nope"}, err: "unknown flag --nope"},
		{args: []string{"-x"}, err: "unknown flag -x"},
		{args: []string{"prod", "-r"}, err: "flag -r needs a value"},
		{args: []string{"--refresh=maybe"}, err: "flag --refresh takes no value"},
	}
	for _, tt := range tests {
		var region string
		var refresh bool
		fs := New("t")
		fs.String(&region, "region", "r")
		fs.Bool(&refresh, "refresh", "")
		err := fs.Parse(tt.args)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: err %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || region != tt.region || refresh != tt.refresh || !slices.Equal(fs.Args(), tt.pos) {
			t.Errorf("%q: got %q %v %q %v", tt.args, region, refresh, fs.Args(), err)
		}
	}
}
