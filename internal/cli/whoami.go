package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/flags"
	"github.com/assume-cli/assume/internal/term"
)

// runWhoami asks AWS who this shell's credentials are and shows the time
// left.
func runWhoami(ctx context.Context, args []string, s *invocation) error {
	var asJSON, debug bool
	pos, err := simpleFlags(s, "whoami", args, func(fs *flags.FlagSet) {
		fs.BindBool(&asJSON, "json")
		fs.BindBool(&debug, "debug")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("whoami takes no arguments: it reports on this shell's credentials")
	}
	akid, secret := s.Getenv("AWS_ACCESS_KEY_ID"), s.Getenv("AWS_SECRET_ACCESS_KEY")
	// Under `assume PROFILE --exec` the credentials come from an endpoint,
	// which assume-aws asks.
	fromEndpoint := (akid == "" || secret == "") && s.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != ""
	if (akid == "" || secret == "") && !fromEndpoint {
		return withCode(ExitUsage, errors.New("no AWS credentials in this shell"), "run assume PROFILE first")
	}
	profile := s.Getenv("AWS_PROFILE")
	if profile == "" {
		profile = s.Getenv("ASSUME_PROFILE") // set for an --exec command
	}
	var expires time.Time
	for _, k := range []string{"AWS_CREDENTIAL_EXPIRATION", "AWS_SESSION_EXPIRATION"} {
		if v := s.Getenv(k); v != "" {
			if t, err := time.Parse(time.RFC3339, v); err == nil {
				expires = t
				break
			}
		}
	}
	if !expires.IsZero() && !expires.After(time.Now()) {
		layout := "15:04 MST"
		if now := time.Now(); expires.Local().Format("2006-01-02") != now.Local().Format("2006-01-02") {
			layout = "2006-01-02 15:04 MST"
		}
		return withCode(ExitAuth, fmt.Errorf("the credentials in this shell expired at %s", expires.Local().Format(layout)),
			"run assume "+orPlaceholder(profile)+" again")
	}
	region := pickRegion("", nil, s)
	wreq := &awsproc.WhoamiRequest{Region: region, Debug: debug}
	if !fromEndpoint {
		wreq.Credentials = &awsproc.Credentials{
			AccessKeyID: akid, SecretAccessKey: secret, SessionToken: s.Getenv("AWS_SESSION_TOKEN"),
		}
	}
	id, err := s.assumeAWS().Whoami(ctx, wreq)
	var we *awsproc.Error
	if errors.As(err, &we) && we.Code == ExitAuth {
		// assume-aws's hints are about profiles; here the keys came from
		// the environment.
		return withCode(ExitAuth, errors.New(we.Message), "run assume "+orPlaceholder(profile)+" again for fresh credentials")
	}
	if err != nil {
		return err
	}
	if fromEndpoint {
		expires = id.Expiration
	}
	if asJSON {
		out := map[string]any{"arn": id.ARN, "account": id.Account, "user_id": id.UserID,
			"profile": profile, "region": region}
		if fromEndpoint {
			out["credentials_endpoint"] = true
		}
		if !expires.IsZero() {
			out["expiration"] = expires.UTC().Format(time.RFC3339)
			out["seconds_left"] = int(time.Until(expires).Seconds())
		}
		return writeJSON(s, out)
	}
	// The identity is remote text: printed through term.Clean.
	fmt.Fprintln(s.Out, term.Clean(id.ARN))
	line := fmt.Sprintf("account %s", id.Account)
	if profile != "" {
		line += ", profile " + profile
	}
	line += ", region " + region
	if expires.IsZero() {
		line += ", long-lived keys"
	} else {
		line += ", " + expiryText(expires, time.Now())
	}
	fmt.Fprintln(s.Out, term.Clean(line))
	return nil
}
