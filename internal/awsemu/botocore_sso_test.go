package awsemu

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBotocoreSSO drives SSO OIDC (device flow, refresh) and the SSO
// portal (paginated lists, role credentials, logout) with boto3/botocore;
// every answer and error must parse as botocore expects.
func TestBotocoreSSO(t *testing.T) {
	t.Parallel() // subprocess-bound: overlaps with the other real-client tests
	python := realPython(t)
	w := ExampleWorld()
	// A long interval makes the script's quick third poll a certain
	// slow_down, however slow the machine.
	w.IdentityCenter.Settings.DevicePollIntervalSeconds = 60
	f := newFixture(t, w, Options{})
	cmd := exec.Command(python, filepath.Join("testdata", "botocore_sso.py"))
	cmd.Env = isolatedEnv(t, "AWSEMU_URL="+f.url, "AWSEMU_START_URL="+startURL)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore script failed: %v\n%s", err, stderr.String())
	}
	type apiError struct {
		Code             string
		Message          string
		Status           float64
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	var got struct {
		Registration struct {
			IssuedType         string  `json:"issued_type"`
			ExpiresMinusIssued float64 `json:"expires_minus_issued"`
		}
		Device        map[string]any
		Pending       *apiError
		PendingAgain  string `json:"pending_again"`
		SlowDownClass bool   `json:"slow_down_class"`
		Token         struct {
			TokenType  string
			ExpiresIn  float64
			HasRefresh bool `json:"has_refresh"`
		}
		Redeemed       *apiError
		BadClient      *apiError `json:"bad_client"`
		AccountPages   int       `json:"account_pages"`
		Accounts       []map[string]string
		RolePages      int `json:"role_pages"`
		Roles          []string
		ExpirationType string  `json:"expiration_type"`
		Expiration     float64 `json:"expiration"`
		Caller         string
		NotFound       *apiError `json:"not_found"`
		Refreshed      bool
		RefreshReused  *apiError `json:"refresh_reused"`
		AfterLogout    *apiError `json:"after_logout"`
		Denied         *apiError
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("script output: %v\n%s", err, out)
	}
	check := func(what string, ok bool, v any) {
		t.Helper()
		if !ok {
			t.Errorf("%s: %+v", what, v)
		}
	}
	check("registration", got.Registration.IssuedType == "int" && got.Registration.ExpiresMinusIssued == 90*24*3600, got.Registration)
	code, _ := got.Device["userCode"].(string)
	check("device authorization", got.Device["verificationUri"] == f.url+"/device" &&
		got.Device["verificationUriComplete"] == f.url+"/device?user_code="+code && got.Device["interval"] == 60.0 && got.Device["expiresIn"] == 600.0, got.Device)
	oauthErr := func(name string, e *apiError, code string, status float64, oauth string) {
		t.Helper()
		check(name, e != nil && e.Code == code && e.Status == status && e.Error == oauth && e.ErrorDescription != "", e)
	}
	oauthErr("pending", got.Pending, "AuthorizationPendingException", 400, "authorization_pending")
	check("second poll", got.PendingAgain == "AuthorizationPendingException", got.PendingAgain)
	check("SlowDownException class", got.SlowDownClass, got.SlowDownClass)
	check("token", got.Token.TokenType == "Bearer" && got.Token.ExpiresIn == 28800 && got.Token.HasRefresh, got.Token)
	oauthErr("redeemed device code", got.Redeemed, "InvalidGrantException", 400, "invalid_grant")
	oauthErr("bad client", got.BadClient, "InvalidClientException", 401, "invalid_client")
	check("ListAccounts paginator", got.AccountPages == 2 && len(got.Accounts) == 2 && got.Accounts[0]["accountId"] == devAccount &&
		got.Accounts[1]["accountName"] == "prod" && got.Accounts[1]["emailAddress"] == "aws-prod@example.com", got.Accounts)
	check("ListAccountRoles paginator", got.RolePages == 2 && strings.Join(got.Roles, ",") == adminPS+","+readOnlyPS, got.Roles)
	exp := time.UnixMilli(int64(got.Expiration))
	check("expiration", got.ExpirationType == "int" && exp.After(time.Now().Add(59*time.Minute)) && exp.Before(time.Now().Add(61*time.Minute)), got.Expiration)
	check("SSO credentials against STS", got.Caller == "arn:aws:sts::"+devAccount+":assumed-role/"+ssoRoleName(adminPS)+"/alice", got.Caller)
	check("not found", got.NotFound != nil && got.NotFound.Code == "ResourceNotFoundException" && got.NotFound.Status == 404, got.NotFound)
	check("refresh", got.Refreshed, got.Refreshed)
	oauthErr("reused refresh token", got.RefreshReused, "InvalidGrantException", 400, "invalid_grant")
	check("after logout", got.AfterLogout != nil && got.AfterLogout.Code == "UnauthorizedException" && got.AfterLogout.Status == 401 &&
		got.AfterLogout.Message == "Session token not found or invalid", got.AfterLogout)
	oauthErr("denied", got.Denied, "AccessDeniedException", 400, "access_denied")
	if strings.Contains(stderr.String(), "Traceback") {
		t.Errorf("python stderr: %s", stderr.String())
	}
}
