package creds

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/chain"
)

// webIdentity runs sts:AssumeRoleWithWebIdentity (an unsigned call) with the
// token file read afresh, since tools rotate it.
func (r *runner) webIdentity(st *chain.Step, final bool) (*cred, error) {
	path := st.WebIdentityTokenFile.Text
	srcErr := func(problem string, err error) error {
		return &SourceError{Profile: st.Profile, Source: "web_identity_token_file", Where: st.WebIdentityTokenFile.Where(), Problem: problem, Err: err}
	}
	if path == "" {
		return nil, srcErr("is empty", nil)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, srcErr(fmt.Sprintf("cannot read %s: %v", path, unwrapPathError(err)), err)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return nil, srcErr(path+" is empty", nil)
	}
	r.dbg.Secret(token)
	roleARN := strings.TrimSpace(st.RoleARN.Text)
	if roleARN == "" {
		return nil, &ConfigError{Profile: st.Profile, Key: "role_arn", Where: st.RoleARN.Where(), Problem: "is empty"}
	}
	if err := r.ensureSDK(); err != nil {
		return nil, err
	}
	dur, _, err := r.duration(st, final)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(st.RoleSessionName.Text)
	if name == "" {
		// There is no AWS caller to name the session after.
		name = r.fallbackSessionName()
	}
	rec := &callRecord{}
	ctx, cancel := context.WithTimeout(r.ctx, r.sdk.timeout)
	defer cancel()
	out, err := r.stsClient(nil, rec).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String(roleARN),
		RoleSessionName:  aws.String(name),
		WebIdentityToken: aws.String(token),
		DurationSeconds:  aws.Int32(int32(dur.Seconds())),
	})
	if err != nil {
		return nil, r.classify(err, rec, errContext{
			op:            "AssumeRoleWithWebIdentity",
			profile:       st.Profile,
			callerProfile: st.Profile,
			caller:        "the web identity token in " + path,
			callerWhere:   st.WebIdentityTokenFile.Where(),
			role:          roleARN,
			expiredWhat:   "web identity token",
		}, r.ctx)
	}
	if out.Credentials == nil {
		return nil, fmt.Errorf("AssumeRoleWithWebIdentity for profile %q: STS returned no credentials", st.Profile)
	}
	c := &cred{Credentials: fromSTS(out.Credentials), kind: chain.KindWebIdentity, profile: st.Profile, role: yes}
	if out.AssumedRoleUser != nil {
		c.arn = aws.ToString(out.AssumedRoleUser.Arn)
		c.account = accountOf(c.arn)
	}
	r.dbg.Printf("AssumeRoleWithWebIdentity %s as %q via %s -> %s, expires %s", roleARN, name, rec.endpoint, c.AccessKeyID, fmtTime(c.Expiration))
	return c, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// instanceMetadata reads the instance role's credentials from IMDS (v2),
// honouring AWS_EC2_METADATA_SERVICE_ENDPOINT and AWS_EC2_METADATA_DISABLED.
func (r *runner) instanceMetadata(st *chain.Step) (*cred, error) {
	srcErr := func(problem string, err error) error {
		return &SourceError{Profile: st.Profile, Source: "credential_source Ec2InstanceMetadata", Where: st.CredentialSource.Where(), Problem: problem, Err: err}
	}
	if strings.EqualFold(r.opts.Getenv("AWS_EC2_METADATA_DISABLED"), "true") {
		return nil, srcErr("instance metadata is disabled by AWS_EC2_METADATA_DISABLED", nil)
	}
	if err := r.ensureSDK(); err != nil {
		return nil, err
	}
	endpoint := r.opts.Getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT")
	client := imds.NewFromConfig(r.sdk.cfg, func(o *imds.Options) {
		if endpoint != "" {
			o.Endpoint = endpoint
		}
	})
	if endpoint == "" {
		endpoint = "http://169.254.169.254"
	}
	ctx, cancel := context.WithTimeout(r.ctx, r.sdk.timeout)
	defer cancel()
	ac, err := ec2rolecreds.New(func(o *ec2rolecreds.Options) { o.Client = client }).Retrieve(ctx)
	if err != nil {
		return nil, r.sourceFetchError(err, "the EC2 instance metadata service", endpoint, srcErr)
	}
	c := &cred{Credentials: fromAWS(ac), kind: chain.KindNamedSource, profile: st.Profile, role: yes}
	r.dbg.Printf("instance metadata credentials from %s -> %s, expires %s", endpoint, c.AccessKeyID, fmtTime(c.Expiration))
	return c, nil
}

// container reads the task or pod role's credentials from the container
// credentials endpoint.
func (r *runner) container(st *chain.Step) (*cred, error) {
	srcErr := func(problem string, err error) error {
		return &SourceError{Profile: st.Profile, Source: "credential_source EcsContainer", Where: st.CredentialSource.Where(), Problem: problem, Err: err}
	}
	endpoint, err := ContainerURL(r.opts.Getenv)
	if err != nil {
		return nil, srcErr(err.Error(), err)
	}
	if err := r.ensureSDK(); err != nil {
		return nil, err
	}
	tokenFile := r.opts.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
	token := r.opts.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN")
	r.dbg.Secret(token)
	p := endpointcreds.New(endpoint, func(o *endpointcreds.Options) {
		o.HTTPClient = r.sdk.cfg.HTTPClient
		o.AuthorizationToken = token
		if tokenFile != "" {
			// Read on every fetch: the agent rotates the file.
			o.AuthorizationTokenProvider = endpointcreds.TokenProviderFunc(func() (string, error) {
				b, err := os.ReadFile(tokenFile)
				if err != nil {
					return "", fmt.Errorf("reading AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: %w", unwrapPathError(err))
				}
				r.dbg.Secret(string(b))
				return string(b), nil
			})
		}
	})
	ctx, cancel := context.WithTimeout(r.ctx, r.sdk.timeout)
	defer cancel()
	ac, err := p.Retrieve(ctx)
	if err != nil {
		return nil, r.sourceFetchError(err, "the container credentials endpoint", redactURL(endpoint), srcErr)
	}
	c := &cred{Credentials: fromAWS(ac), kind: chain.KindNamedSource, profile: st.Profile, role: yes, account: ac.AccountID}
	r.dbg.Printf("container credentials from %s -> %s, expires %s", redactURL(endpoint), c.AccessKeyID, fmtTime(c.Expiration))
	return c, nil
}

// sourceFetchError classifies a failure to fetch credentials from a local
// metadata endpoint.
func (r *runner) sourceFetchError(err error, service, endpoint string, srcErr func(string, error) error) error {
	if perr := r.ctx.Err(); perr != nil {
		return perr
	}
	if awssdk.IsTimeout(err) {
		return &NetworkError{Service: service, Endpoint: endpoint, Timeout: r.sdk.timeout, Err: err}
	}
	if awssdk.IsTransport(err) {
		return &NetworkError{Service: service, Endpoint: endpoint, Reason: awssdk.NetReason(err), Err: err}
	}
	return srcErr("no credentials from "+service+": "+oneLine(err.Error()), err)
}

func fromAWS(c aws.Credentials) Credentials {
	out := Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
	if c.CanExpire {
		out.Expiration = c.Expires
	}
	return out
}

// ContainerURL resolves the container credentials endpoint from
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2, preferred) or
// AWS_CONTAINER_CREDENTIALS_FULL_URI, which must be https, or http to a
// loopback address, the ECS agent (169.254.170.2) or EKS Pod Identity
// (169.254.170.23, fd00:ec2::23).
func ContainerURL(getenv func(string) string) (string, error) {
	if rel := getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); rel != "" {
		if !strings.HasPrefix(rel, "/") {
			rel = "/" + rel
		}
		return "http://169.254.170.2" + rel, nil
	}
	full := getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")
	if full == "" {
		return "", errors.New("neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set")
	}
	u, err := url.Parse(full)
	if err != nil {
		return "", errors.New("AWS_CONTAINER_CREDENTIALS_FULL_URI is not a valid URL")
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", errors.New("AWS_CONTAINER_CREDENTIALS_FULL_URI has no host")
	}
	switch u.Scheme {
	case "https":
		return full, nil
	case "http":
		if allowedContainerHost(u.Hostname()) {
			return full, nil
		}
		return "", fmt.Errorf("AWS_CONTAINER_CREDENTIALS_FULL_URI host %q is not allowed over http: use https, a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23", u.Hostname())
	}
	return "", errors.New("AWS_CONTAINER_CREDENTIALS_FULL_URI must be an http or https URL")
}

func allowedContainerHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	return ip.IsLoopback() || ip.Equal(net.ParseIP("169.254.170.2")) ||
		ip.Equal(net.ParseIP("169.254.170.23")) || ip.Equal(net.ParseIP("fd00:ec2::23"))
}

// redactURL drops a URL's user info and query, which may hold tokens.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(invalid URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}
