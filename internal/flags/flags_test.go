package flags

import (
	"slices"
	"strings"
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

func TestDeclaredFlags(t *testing.T) {
	region := Spec{Long: "region", Short: "r", Value: "REGION", Usage: "the region"}
	refresh := Spec{Long: "refresh", Usage: "fresh"}
	if got := region.Label(); got != "-r, --region REGION" {
		t.Errorf("Label = %q", got)
	}
	if got := refresh.Label(); got != "    --refresh" {
		t.Errorf("Label = %q", got)
	}
	// A declared flag nothing reads is refused: help would show a flag the
	// command ignores.
	fs := New("t")
	fs.Declare(region, refresh, region)
	var r string
	fs.BindString(&r, "region")
	fs.BindString(&r, "not-declared") // ignored
	if err := fs.Parse(nil); err == nil || err.Error() != "internal error: t declares --refresh but does not read it" {
		t.Fatalf("unbound: %v", err)
	}
	var f bool
	fs.BindBool(&f, "refresh")
	if err := fs.Parse([]string{"-r", "eu-west-1", "--refresh", "x"}); err != nil || r != "eu-west-1" || !f || !slices.Equal(fs.Args(), []string{"x"}) {
		t.Fatalf("got %q %v %q %v", r, f, fs.Args(), err)
	}
	defer func() {
		if recover() == nil {
			t.Error("binding a flag with a value as a bool does not panic")
		}
	}()
	fs.BindBool(&f, "region")
}

// FuzzParse: any argv parses or fails with an error, never a panic.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{"prod -r eu-west-1", "--region=x --refresh=false", "-", "--", "-r", "--refresh=maybe", "--=x", "-=", "---x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var r string
		var b bool
		fs := New("f")
		fs.Declare(Spec{Long: "region", Short: "r", Value: "R"}, Spec{Long: "refresh"})
		fs.BindString(&r, "region")
		fs.BindBool(&b, "refresh")
		_ = fs.Parse(strings.Fields(line))
	})
}
