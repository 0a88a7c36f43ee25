package cli

import (
	"io"
	"testing"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/term"
)

func TestCredsPartition(t *testing.T) {
	env := map[string]string{}
	v := func(s string) awsconfig.Value { return awsconfig.Value{Text: s} }
	for _, tt := range []struct {
		name string
		plan *chain.Plan
		env  map[string]string
		want string
	}{
		{"role ARN wins over the region", &chain.Plan{Region: v("eu-west-1"), Steps: []chain.Step{{RoleARN: v("arn:aws-cn:iam::1:role/r")}}}, nil, "aws-cn"},
		{"last role ARN", &chain.Plan{Steps: []chain.Step{{RoleARN: v("arn:aws:iam::1:role/a")}, {RoleARN: v("arn:aws-us-gov:iam::1:role/b")}}}, nil, "aws-us-gov"},
		{"SSO region", &chain.Plan{Steps: []chain.Step{{SSORegion: v("cn-northwest-1")}}}, nil, "aws-cn"},
		{"profile region", &chain.Plan{Region: v("cn-north-1"), Steps: []chain.Step{{AccessKeyID: v("AKIA")}}}, nil, "aws-cn"},
		{"shell region", nil, map[string]string{"AWS_REGION": "us-gov-east-1"}, "aws-us-gov"},
		{"nothing: aws", nil, nil, "aws"},
	} {
		env = tt.env
		if env == nil {
			env = map[string]string{"XDG_CONFIG_HOME": t.TempDir()}
		}
		if p, why := credsPartition(tt.plan, testInvocation(env)); p.ID != tt.want || why == "" {
			t.Errorf("%s: %s (%s), want %s", tt.name, p.ID, why, tt.want)
		}
	}
	if err := checkPartition("cn-north-1", "dev", &chain.Plan{Steps: []chain.Step{{RoleARN: v("arn:aws:iam::1:role/r")}}}, testInvocation(env)); err == nil {
		t.Error("aws credentials, China console: no refusal")
	}
	if err := checkPartition("cn-north-1", "dev", &chain.Plan{Steps: []chain.Step{{RoleARN: v("arn:aws-cn:iam::1:role/r")}}}, testInvocation(env)); err != nil {
		t.Errorf("aws-cn credentials, China console: %v", err)
	}
}

// testInvocation is a run with env and no streams worth reading.
func testInvocation(env map[string]string) *invocation {
	return newInvocation(term.Test(nil, io.Discard, io.Discard, env))
}
