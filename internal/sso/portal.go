package sso

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awssso "github.com/aws/aws-sdk-go-v2/service/sso"
)

const portalService = "the IAM Identity Center portal"

// Credentials are role credentials from the portal. The fields match
// creds.Credentials, so one converts to the other. Printing them shows only
// the access key id.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// String implements fmt.Stringer without revealing secrets.
func (c Credentials) String() string { return "credentials " + c.AccessKeyID + " (secrets redacted)" }

// GoString implements fmt.GoStringer without revealing secrets.
func (c Credentials) GoString() string { return c.String() }

// Format implements fmt.Formatter so that no verb prints a secret.
func (c Credentials) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

// Account is an AWS account the user may use.
type Account struct {
	ID    string
	Name  string
	Email string
}

// Role is a role (permission set) the user may use in an account.
type Role struct {
	AccountID string
	Name      string
}

// portalRegion is the region for portal calls: the one given, else the
// token's.
func portalRegion(tok *Token, region string) string {
	if region != "" {
		return region
	}
	if tok.Region != "" {
		return tok.Region
	}
	return tok.Session.Region
}

// portalError turns the portal's answers that callers branch on into typed
// errors: 401 (token not accepted) into *LoginRequiredError, 404 into
// *RoleNotFoundError.
func (c *Client) portalError(ctx context.Context, err error, tok *Token, op, region, account, role string, rec *callRecord) error {
	switch apiCode(err) {
	case "UnauthorizedException":
		return loginRequired(tok.Session, "IAM Identity Center no longer accepts the cached token")
	case "ResourceNotFoundException":
		return &RoleNotFoundError{AccountID: account, RoleName: role}
	}
	return c.classify(ctx, err, call{op: op, service: portalService, region: region, rec: rec, secrets: []string{tok.AccessToken}})
}

// RoleCredentials exchanges the token for credentials of roleName in
// accountID (sso:GetRoleCredentials). region is the sso_region; "" means the
// token's.
func (c *Client) RoleCredentials(ctx context.Context, tok *Token, accountID, roleName, region string) (Credentials, error) {
	if tok == nil || tok.AccessToken == "" {
		return Credentials{}, errors.New("no SSO token given")
	}
	if accountID == "" || roleName == "" {
		return Credentials{}, errors.New("an account id and a role name are needed for SSO role credentials")
	}
	region = portalRegion(tok, region)
	cl, rec, cctx, cancel, err := startCall(ctx, c, region, c.portal)
	if err != nil {
		return Credentials{}, err
	}
	defer cancel()
	out, err := cl.GetRoleCredentials(cctx, &awssso.GetRoleCredentialsInput{
		AccessToken: aws.String(tok.AccessToken),
		AccountId:   aws.String(accountID),
		RoleName:    aws.String(roleName),
	})
	if err != nil {
		return Credentials{}, c.portalError(ctx, err, tok, "GetRoleCredentials", region, accountID, roleName, rec)
	}
	rc := out.RoleCredentials
	if rc == nil || aws.ToString(rc.AccessKeyId) == "" || aws.ToString(rc.SecretAccessKey) == "" {
		return Credentials{}, &APIError{Op: "GetRoleCredentials", Code: "EmptyResponse", Message: "the answer holds no credentials"}
	}
	cr := Credentials{
		AccessKeyID:     aws.ToString(rc.AccessKeyId),
		SecretAccessKey: aws.ToString(rc.SecretAccessKey),
		SessionToken:    aws.ToString(rc.SessionToken),
	}
	if rc.Expiration != 0 {
		cr.Expiration = time.UnixMilli(rc.Expiration).UTC()
	}
	c.dbg.Secret(cr.SecretAccessKey, cr.SessionToken)
	c.dbg.Printf("GetRoleCredentials %s/%s via %s: %s, expires %s", accountID, roleName, rec.endpoint, cr.AccessKeyID, formatTime(cr.Expiration))
	return cr, nil
}

// Accounts lists every account the token's user may use (all pages).
func (c *Client) Accounts(ctx context.Context, tok *Token) ([]Account, error) {
	var accounts []Account
	err := allPages(ctx, c, tok, "ListAccounts", "", func(cl *awssso.Client) pager[*awssso.ListAccountsOutput] {
		return awssso.NewListAccountsPaginator(cl, &awssso.ListAccountsInput{AccessToken: aws.String(tok.AccessToken)})
	}, func(out *awssso.ListAccountsOutput) {
		for _, a := range out.AccountList {
			accounts = append(accounts, Account{ID: aws.ToString(a.AccountId), Name: aws.ToString(a.AccountName), Email: aws.ToString(a.EmailAddress)})
		}
	})
	if err != nil {
		return nil, err
	}
	return accounts, nil
}

// Roles lists every role the token's user may use in accountID (all pages).
func (c *Client) Roles(ctx context.Context, tok *Token, accountID string) ([]Role, error) {
	var roles []Role
	err := allPages(ctx, c, tok, "ListAccountRoles", accountID, func(cl *awssso.Client) pager[*awssso.ListAccountRolesOutput] {
		return awssso.NewListAccountRolesPaginator(cl, &awssso.ListAccountRolesInput{AccessToken: aws.String(tok.AccessToken), AccountId: aws.String(accountID)})
	}, func(out *awssso.ListAccountRolesOutput) {
		for _, r := range out.RoleList {
			roles = append(roles, Role{AccountID: nonEmpty(aws.ToString(r.AccountId), accountID), Name: aws.ToString(r.RoleName)})
		}
	})
	if err != nil {
		return nil, err
	}
	return roles, nil
}

// pager is the SDK's paginator of a portal list call.
type pager[O any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*awssso.Options)) (O, error)
}

// allPages runs the list call op of Accounts or Roles page by page, each
// page bounded by the client's timeout, and gives each page to each.
func allPages[O any](ctx context.Context, c *Client, tok *Token, op, accountID string, pages func(*awssso.Client) pager[O], each func(O)) error {
	if tok == nil || tok.AccessToken == "" {
		return errors.New("no SSO token given")
	}
	region := portalRegion(tok, "")
	rec := &callRecord{}
	cl, err := c.portal(region, rec)
	if err != nil {
		return err
	}
	for p := pages(cl); p.HasMorePages(); {
		cctx, cancel, err := c.withTimeout(ctx)
		if err != nil {
			return err
		}
		out, err := p.NextPage(cctx)
		cancel()
		if err != nil {
			return c.portalError(ctx, err, tok, op, region, accountID, "", rec)
		}
		each(out)
	}
	return nil
}

// AccountsPage fetches one page of Accounts with exactly one request (no
// SDK retries), for callers that pace and retry themselves; next is "" for
// the first page, and an empty nextToken means there are no more. Errors
// are typed as for Accounts: *ThrottledError (429), *APIError (Status >= 500
// for server errors), *NetworkError, *LoginRequiredError.
func (c *Client) AccountsPage(ctx context.Context, tok *Token, next string) (accounts []Account, nextToken string, err error) {
	err = c.onePage(ctx, tok, "ListAccounts", "", func(ctx context.Context, cl *awssso.Client) error {
		in := &awssso.ListAccountsInput{AccessToken: aws.String(tok.AccessToken)}
		if next != "" {
			in.NextToken = aws.String(next)
		}
		out, err := cl.ListAccounts(ctx, in, oneAttempt)
		if err != nil {
			return err
		}
		for _, a := range out.AccountList {
			accounts = append(accounts, Account{ID: aws.ToString(a.AccountId), Name: aws.ToString(a.AccountName), Email: aws.ToString(a.EmailAddress)})
		}
		nextToken = aws.ToString(out.NextToken)
		return nil
	})
	return accounts, nextToken, err
}

// RolesPage fetches one page of Roles with exactly one request; see
// AccountsPage.
func (c *Client) RolesPage(ctx context.Context, tok *Token, accountID, next string) (roles []Role, nextToken string, err error) {
	err = c.onePage(ctx, tok, "ListAccountRoles", accountID, func(ctx context.Context, cl *awssso.Client) error {
		in := &awssso.ListAccountRolesInput{AccessToken: aws.String(tok.AccessToken), AccountId: aws.String(accountID)}
		if next != "" {
			in.NextToken = aws.String(next)
		}
		out, err := cl.ListAccountRoles(ctx, in, oneAttempt)
		if err != nil {
			return err
		}
		for _, r := range out.RoleList {
			roles = append(roles, Role{AccountID: nonEmpty(aws.ToString(r.AccountId), accountID), Name: aws.ToString(r.RoleName)})
		}
		nextToken = aws.ToString(out.NextToken)
		return nil
	})
	return roles, nextToken, err
}

// onePage makes the one request of AccountsPage or RolesPage: list gets
// the portal client of tok's region and ctx bounded by the client's
// timeout; its error is typed by portalError.
func (c *Client) onePage(ctx context.Context, tok *Token, op, accountID string, list func(context.Context, *awssso.Client) error) error {
	if tok == nil || tok.AccessToken == "" {
		return errors.New("no SSO token given")
	}
	region := portalRegion(tok, "")
	cl, rec, cctx, cancel, err := startCall(ctx, c, region, c.portal)
	if err != nil {
		return err
	}
	defer cancel()
	if err := list(cctx, cl); err != nil {
		return c.portalError(ctx, err, tok, op, region, accountID, "", rec)
	}
	return nil
}

// oneAttempt turns the SDK's retries off for one call.
func oneAttempt(o *awssso.Options) {
	o.Retryer = retry.AddWithMaxAttempts(o.Retryer, 1)
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Logout signs the session out: it tells IAM Identity Center to end the
// token's session (sso:Logout; a token it no longer accepts is fine) and
// deletes the token file, as `aws sso logout` does. Client registrations
// stay. removed reports whether there was a token file. If the service
// could not be reached the file is deleted all the same and the error says
// so.
func (c *Client) Logout(ctx context.Context, sess Session) (removed bool, err error) {
	var lr *LoginRequiredError
	if _, err := c.ReadToken(sess); errors.As(err, &lr) && lr.Reason == "not logged in" {
		return false, nil // nothing to do; do not create the cache folder
	}
	release, _, err := c.locks.lock(ctx, sess, nil)
	if err != nil {
		return false, err
	}
	defer release()
	tok, rerr := c.ReadToken(sess)
	var remote error
	if rerr == nil {
		remote = c.logoutRemote(ctx, tok)
	}
	removed, err = c.cache.remove(sess.TokenFileName())
	if err != nil {
		return false, &CacheError{Path: c.cache.where(sess.TokenFileName()), Err: errors.Unwrap(err)}
	}
	if remote != nil {
		return removed, fmt.Errorf("removed the token from this computer, but could not end the session at IAM Identity Center: %w", remote)
	}
	return removed, nil
}

func (c *Client) logoutRemote(ctx context.Context, tok *Token) error {
	region := portalRegion(tok, "")
	cl, rec, cctx, cancel, err := startCall(ctx, c, region, c.portal)
	if err != nil {
		return err
	}
	defer cancel()
	_, err = cl.Logout(cctx, &awssso.LogoutInput{AccessToken: aws.String(tok.AccessToken)})
	switch {
	case err == nil:
		c.dbg.Printf("logged out of %s via %s", tok.Session, rec.endpoint)
		return nil
	case apiCode(err) == "UnauthorizedException":
		c.dbg.Printf("logout: the token was no longer valid")
		return nil
	}
	return c.classify(ctx, err, call{op: "Logout", service: portalService, region: region, rec: rec, secrets: []string{tok.AccessToken}})
}
