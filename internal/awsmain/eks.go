package awsmain

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/creds"
	"github.com/assume-cli/assume/internal/ekssdk"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/term"
)

// eksToken presigns the EKS bearer token of `assume eks token`: the
// credentials resolved exactly as for `assume P` (or the caller's
// environment keys), one more role on top with --role-arn.
func eksToken(ctx context.Context, s *term.Streams, req *awsproc.EKSTokenRequest) (*awsproc.EKSTokenResponse, error) {
	c, err := eksCredentials(ctx, s, &req.Resolve, req.Credentials, req.RoleARN)
	if err != nil {
		return nil, err
	}
	cfg, err := eksConfig(s, c, req.Resolve.Region)
	if err != nil {
		return nil, err
	}
	global := ekssdk.Global(stsRegionalEndpoints(s, req.Resolve.Profile), req.Resolve.Region)
	tok, signed, err := ekssdk.Token(ctx, cfg, req.Resolve.Region, req.Cluster, global)
	if err != nil {
		return nil, err
	}
	return &awsproc.EKSTokenResponse{Token: tok, Signed: signed, CredentialsExpire: c.Expiration}, nil
}

// stsRegionalEndpoints is the sts_regional_endpoints setting, as the AWS
// CLI reads it: AWS_STS_REGIONAL_ENDPOINTS, else the profile's (lower
// case; "" when unset).
func stsRegionalEndpoints(s *term.Streams, profile string) string {
	if v := strings.TrimSpace(s.Getenv("AWS_STS_REGIONAL_ENDPOINTS")); v != "" {
		return strings.ToLower(v)
	}
	if profile == "" {
		return ""
	}
	cfg, cred := awsconfig.Locate(s.Getenv)
	files, err := awsconfig.Open(cfg, cred)
	if err != nil {
		return ""
	}
	p, found, err := files.Profile(profile)
	if err != nil || !found {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(p.Get("sts_regional_endpoints").Text))
}

// eksCredentials resolves the request's profile (or takes env, the
// caller's environment keys) and assumes roleARN on top when set, through
// creds: chains, MFA, SSO, the session cache and its single flight.
func eksCredentials(ctx context.Context, s *term.Streams, r *awsproc.ResolveRequest, env *awsproc.Credentials, roleARN string) (creds.Credentials, error) {
	var plan *chain.Plan
	if env != nil {
		plan = &chain.Plan{Steps: []chain.Step{{Kind: chain.KindStatic,
			AccessKeyID:     awsconfig.Value{Text: env.AccessKeyID, Set: true},
			SecretAccessKey: awsconfig.Value{Text: env.SecretAccessKey, Set: true},
			SessionToken:    awsconfig.Value{Text: env.SessionToken, Set: env.SessionToken != ""}}}}
	} else {
		var err error
		if plan, err = loadPlan(s, r); err != nil {
			return creds.Credentials{}, err
		}
	}
	if roleARN != "" {
		plan.Steps = append(plan.Steps, chain.Step{Kind: chain.KindAssumeRole, Profile: plan.Profile,
			RoleARN: awsconfig.Value{Text: roleARN, Set: true}})
	}
	if env != nil && roleARN == "" {
		return creds.Credentials(*env), nil
	}
	c := resolveCall(r)
	cr := c.request()
	cr.CacheKey = plan.CacheKey()
	res, err := c.resolver(ctx, s).Get(ctx, plan, cr)
	if err != nil {
		return creds.Credentials{}, err
	}
	out := res.Credentials
	if out.AccountID == "" {
		out.AccountID = res.AccountID
	}
	return out, nil
}

// eksConfig is the SDK config of the EKS calls: the environment's
// endpoints and CA bundle, the network time bound, c's keys.
func eksConfig(s *term.Streams, c creds.Credentials, region string) (cfgOut aws.Config, err error) {
	timeout, err := awssdk.Timeout(0, s.Getenv)
	if err != nil {
		return cfgOut, withExit(exitcode.Config, err)
	}
	cfg, err := awssdk.Config(awssdk.Options{Timeout: timeout, MaxAttempts: creds.DefaultMaxAttempts})
	if err != nil {
		return cfgOut, err
	}
	cfg.Region = region
	cfg.Credentials = credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	return cfg, nil
}
