package creds

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/assume-cli/assume/internal/chain"
)

// AllowAllPolicy is the session policy sent with GetFederationToken. A
// federation session has the intersection of the IAM user's permissions and
// the session policy, and no permissions at all without one; allowing
// everything leaves the user's own permissions as the limit.
const AllowAllPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// Limits of GetFederationToken's DurationSeconds for IAM users.
const (
	MinFederationDuration     = 15 * time.Minute
	MaxFederationDuration     = 36 * time.Hour
	DefaultFederationDuration = 12 * time.Hour
)

// FederationToken exchanges long-term IAM user keys for a federation
// session (sts:GetFederationToken) named name, lasting duration (zero:
// DefaultFederationDuration), with the user's own permissions. It is what
// the console sign-in needs when a profile holds only access keys.
func FederationToken(ctx context.Context, c Credentials, name string, duration time.Duration, opts Options) (Credentials, error) {
	opts.fill()
	if duration == 0 {
		duration = DefaultFederationDuration
	}
	r := newRunner(ctx, &chain.Plan{}, opts, newDebug(opts.Debug))
	r.dbg.Secret(c.SecretAccessKey, c.SessionToken)
	if err := r.ensureSDK(); err != nil {
		return Credentials{}, err
	}
	ec := errContext{op: "GetFederationToken", callerKeyID: c.AccessKeyID, caller: c.AccessKeyID}
	rec := &callRecord{}
	cctx, cancel := context.WithTimeout(r.ctx, r.sdk.timeout)
	defer cancel()
	out, err := r.stsClient(&c, rec).GetFederationToken(cctx, &sts.GetFederationTokenInput{
		Name:            aws.String(federationName(name)),
		DurationSeconds: aws.Int32(int32(duration / time.Second)),
		Policy:          aws.String(AllowAllPolicy),
	})
	if err != nil {
		return Credentials{}, r.classify(err, rec, ec, r.ctx)
	}
	fc := out.Credentials
	res := Credentials{
		AccessKeyID:     aws.ToString(fc.AccessKeyId),
		SecretAccessKey: aws.ToString(fc.SecretAccessKey),
		SessionToken:    aws.ToString(fc.SessionToken),
		Expiration:      aws.ToTime(fc.Expiration),
	}
	r.dbg.Secret(res.SecretAccessKey, res.SessionToken)
	r.dbg.Printf("GetFederationToken via %s: %s until %s", rec.endpoint, res.AccessKeyID, res.Expiration.UTC().Format(time.RFC3339))
	return res, nil
}

// federationName makes a GetFederationToken Name (2-32 characters of
// [\w+=,.@-]) from a profile name.
func federationName(s string) string {
	b := make([]byte, 0, 32)
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '+', c == '=', c == ',', c == '.', c == '@', c == '-':
			b = append(b, c)
		default:
			b = append(b, '-')
		}
		if len(b) == 32 {
			break
		}
	}
	for len(b) < 2 {
		b = append(b, '-')
	}
	return string(b)
}
