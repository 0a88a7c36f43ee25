package awsemu

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// call sends a raw request to the emulator's handler.
func call(h http.Handler, method, target, body string, hdr map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "http://127.0.0.1:8765"+target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		r.Header[k] = []string{v} // exactly as given, not canonicalised
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func decodeObj(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("body %q: %v", rec.Body.String(), err)
	}
	return doc
}

// TestOIDCWire checks the JSON documents byte-level facts clients depend
// on: integer timestamps, error headers and bodies, content types.
func TestOIDCWire(t *testing.T) {
	clock := newClock()
	srv := MustNew(ExampleWorld(), Options{Now: clock.Now})
	h := srv.Handler()

	rec := call(h, "POST", "/client/register", `{"clientName":"botocore-client-my-sso","clientType":"public","scopes":["sso:account:access"]}`, nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" || len(rec.Header()["x-amzn-RequestId"]) != 1 {
		t.Fatalf("register %d %v", rec.Code, rec.Header())
	}
	reg := decodeObj(t, rec)
	for _, k := range []string{"clientIdIssuedAt", "clientSecretExpiresAt"} {
		n, ok := reg[k].(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			t.Errorf("%s = %v, want an integer", k, reg[k])
		}
	}
	if reg["clientIdIssuedAt"].(json.Number).String() != itoa(int(clock.Now().Unix())) {
		t.Errorf("clientIdIssuedAt %v", reg["clientIdIssuedAt"])
	}
	if _, has := reg["authorizationEndpoint"]; has {
		t.Error("unexpected authorizationEndpoint")
	}
	id, secret := reg["clientId"].(string), reg["clientSecret"].(string)

	rec = call(h, "POST", "/device_authorization", `{"clientId":"`+id+`","clientSecret":"`+secret+`","startUrl":"`+startURL+`"}`, nil)
	dev := decodeObj(t, rec)
	if rec.Code != 200 || dev["verificationUri"] != "http://127.0.0.1:8765/device" || dev["expiresIn"].(json.Number).String() != "600" ||
		dev["interval"].(json.Number).String() != "1" {
		t.Errorf("device authorization %d %v", rec.Code, dev)
	}
	devCode, _ := dev["deviceCode"].(string)

	errTests := []struct {
		name   string
		path   string
		body   string
		status int
		shape  string
		oauth  string
	}{
		{"pending", "/token", `{"clientId":"` + id + `","clientSecret":"` + secret + `","grantType":"` + grantDeviceCode + `","deviceCode":"` + devCode + `"}`, 400, "AuthorizationPendingException", "authorization_pending"},
		{"bad client", "/token", `{"clientId":"` + id + `","clientSecret":"nope","grantType":"refresh_token","refreshToken":"x"}`, 401, "InvalidClientException", "invalid_client"},
		{"missing grant type", "/token", `{"clientId":"` + id + `","clientSecret":"` + secret + `"}`, 400, "InvalidRequestException", "invalid_request"},
		{"not json", "/token", `{"clientId":`, 400, "InvalidRequestException", "invalid_request"},
		{"wrong types", "/client/register", `{"clientName":1,"clientType":"public"}`, 400, "InvalidRequestException", "invalid_request"},
		{"bad refresh token", "/token", `{"clientId":"` + id + `","clientSecret":"` + secret + `","grantType":"refresh_token","refreshToken":"x"}`, 400, "InvalidGrantException", "invalid_grant"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			rec := call(h, "POST", tt.path, tt.body, nil)
			if rec.Code != tt.status || rec.Header()["x-amzn-ErrorType"][0] != tt.shape {
				t.Errorf("%d %v", rec.Code, rec.Header())
			}
			doc := decodeObj(t, rec)
			if doc["error"] != tt.oauth || doc["error_description"] == "" || len(doc) != 2 {
				t.Errorf("body %v", doc)
			}
			if strings.Contains(rec.Body.String(), secret) {
				t.Error("error body echoes the client secret")
			}
		})
	}
	// Wrong methods and unknown paths are not OIDC calls.
	if rec := call(h, "GET", "/token", "", nil); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /token: %d", rec.Code)
	}
}

func TestPortalWire(t *testing.T) {
	srv := MustNew(ExampleWorld(), Options{})
	h := srv.Handler()
	tok, err := srv.MintSSOToken("alice")
	if err != nil {
		t.Fatal(err)
	}
	// The header name is matched case-insensitively (botocore and Go spell it
	// differently).
	for _, name := range []string{"x-amz-sso_bearer_token", "X-Amz-Sso_bearer_token", "X-AMZ-SSO_BEARER_TOKEN"} {
		rec := call(h, "GET", "/assignment/accounts?max_result=1", "", map[string]string{name: tok.AccessToken})
		if rec.Code != 200 {
			t.Errorf("header %s: %d %s", name, rec.Code, rec.Body)
		}
	}
	auth := map[string]string{"x-amz-sso_bearer_token": tok.AccessToken}
	rec := call(h, "GET", "/assignment/accounts?max_result=1", "", auth)
	page1 := decodeObj(t, rec)
	next, _ := page1["nextToken"].(string)
	if next == "" || len(page1["accountList"].([]any)) != 1 {
		t.Fatalf("page 1 %v", page1)
	}
	rec = call(h, "GET", "/assignment/accounts?max_result=1&next_token="+url.QueryEscape(next), "", auth)
	page2 := decodeObj(t, rec)
	if v, has := page2["nextToken"]; !has || v != nil {
		t.Errorf("last page nextToken %v (want an explicit null)", v)
	}
	acct := page2["accountList"].([]any)[0].(map[string]any)
	if acct["accountId"] != prodAccount || acct["accountName"] != "prod" || acct["emailAddress"] != "aws-prod@example.com" {
		t.Errorf("account %v", acct)
	}

	rec = call(h, "GET", "/federation/credentials?role_name="+readOnlyPS+"&account_id="+prodAccount, "", auth)
	creds := decodeObj(t, rec)["roleCredentials"].(map[string]any)
	exp, ok := creds["expiration"].(json.Number)
	if ms, err := exp.Int64(); !ok || err != nil || ms < time.Now().Add(7*time.Hour).UnixMilli() || strings.Contains(exp.String(), ".") {
		t.Errorf("expiration %v", creds["expiration"])
	}
	if !strings.HasPrefix(creds["accessKeyId"].(string), "ASIA") || len(creds["secretAccessKey"].(string)) != 40 {
		t.Errorf("credentials %v", creds["accessKeyId"])
	}

	errTests := []struct {
		name   string
		method string
		target string
		hdr    map[string]string
		status int
		code   string
	}{
		{"no token", "GET", "/assignment/accounts", nil, 401, "UnauthorizedException"},
		{"bad token", "GET", "/assignment/accounts", map[string]string{"x-amz-sso_bearer_token": "x"}, 401, "UnauthorizedException"},
		{"max_result 0", "GET", "/assignment/accounts?max_result=0", auth, 400, "InvalidRequestException"},
		{"max_result text", "GET", "/assignment/accounts?max_result=ten", auth, 400, "InvalidRequestException"},
		{"bad next token", "GET", "/assignment/accounts?next_token=AAAA", auth, 400, "InvalidRequestException"},
		{"no account id", "GET", "/assignment/roles", auth, 400, "InvalidRequestException"},
		{"no role name", "GET", "/federation/credentials?account_id=" + devAccount, auth, 400, "InvalidRequestException"},
		{"bad query", "GET", "/federation/credentials?%zz", auth, 400, "InvalidRequestException"},
		{"unassigned", "GET", "/federation/credentials?role_name=" + adminPS + "&account_id=" + prodAccount, auth, 404, "ResourceNotFoundException"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			rec := call(h, tt.method, tt.target, "", tt.hdr)
			typ := rec.Header()["x-amzn-ErrorType"]
			if rec.Code != tt.status || len(typ) != 1 || !strings.HasPrefix(typ[0], tt.code+":http://internal.amazon.com/coral/") {
				t.Errorf("%d %v %s", rec.Code, typ, rec.Body)
			}
			if doc := decodeObj(t, rec); doc["message"] == "" {
				t.Errorf("body %v", doc)
			}
		})
	}

	rec = call(h, "POST", "/logout", "", auth)
	if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") != "0" {
		t.Errorf("logout %d %q", rec.Code, rec.Body)
	}
	if rec := call(h, "GET", "/assignment/accounts", "", auth); rec.Code != 401 {
		t.Errorf("after logout %d", rec.Code)
	}
}

func TestDevicePage(t *testing.T) {
	f := newFixture(t, nil, Options{})
	reg := register(t, f.oidc(1), nil)
	start := func() string {
		rec := call(f.srv.Handler(), "POST", "/device_authorization",
			`{"clientId":"`+*reg.ClientId+`","clientSecret":"`+*reg.ClientSecret+`","startUrl":"`+startURL+`"}`, nil)
		return decodeObj(t, rec)["userCode"].(string)
	}
	code := start()
	resp, err := http.Get(f.url + "/device?user_code=" + code)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `value="`+code+`"`) || !strings.Contains(string(body), `id="approve"`) ||
		!strings.Contains(string(body), `<option value="bob">`) {
		t.Fatalf("device page %d %s", resp.StatusCode, body)
	}
	post := func(form url.Values) (int, string) {
		resp, err := http.PostForm(f.url+"/device", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		name   string
		form   url.Values
		status int
		text   string
	}{
		{"unknown user", url.Values{"user_code": {code}, "user": {"mallory"}, "action": {"approve"}}, 400, "Unknown user"},
		{"unknown code", url.Values{"user_code": {"BBBB-BBBB"}, "user": {"alice"}, "action": {"approve"}}, 400, "No pending request"},
		{"no action", url.Values{"user_code": {code}, "user": {"alice"}}, 400, "Approve or Deny"},
		{"approve", url.Values{"user_code": {strings.ToLower(code)}, "user": {"alice"}, "action": {"approve"}}, 200, "Signed in as alice"},
		{"again", url.Values{"user_code": {code}, "user": {"alice"}, "action": {"deny"}}, 400, "already been answered"},
	}
	for _, tt := range tests {
		status, body := post(tt.form)
		if status != tt.status || !strings.Contains(body, tt.text) {
			t.Errorf("%s: %d %s", tt.name, status, body)
		}
	}
	resp, err = http.Get(f.url + "/device?user_code=" + code)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "already been answered") || strings.Contains(string(body), "<form") {
		t.Errorf("answered page %s", body)
	}
	denied := start()
	if status, body := post(url.Values{"user_code": {denied}, "action": {"deny"}}); status != 200 || !strings.Contains(body, "denied") {
		t.Errorf("deny: %d %s", status, body)
	}
	// HTML is escaped.
	resp, err = http.Get(f.url + "/device?user_code=" + url.QueryEscape(`<script>x</script>`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "<SCRIPT>") || strings.Contains(string(body), "<script>") {
		t.Errorf("unescaped input: %s", body)
	}
}

func TestSSOAdminAPI(t *testing.T) {
	f := newFixture(t, nil, Options{})
	admin := func(method, path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, f.url+"/_awsemu/sso/"+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var doc map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		return resp.StatusCode, doc
	}
	reg := register(t, f.oidc(1), nil)
	startDev := func() string {
		rec := call(f.srv.Handler(), "POST", "/device_authorization",
			`{"clientId":"`+*reg.ClientId+`","clientSecret":"`+*reg.ClientSecret+`","startUrl":"`+startURL+`"}`, nil)
		return decodeObj(t, rec)["userCode"].(string)
	}
	code := startDev()
	if status, doc := admin("GET", "pending", ""); status != 200 || len(doc["pending"].([]any)) != 1 {
		t.Errorf("pending %d %v", status, doc)
	}
	if status, doc := admin("POST", "approve", `{"user_code":"`+code+`"}`); status != 400 || !strings.Contains(doc["error"].(string), "user is required") {
		t.Errorf("approve without user: %d %v", status, doc)
	}
	if status, _ := admin("POST", "approve", `{"user_code":"`+code+`","request_id":"x","user":"alice"}`); status != 400 {
		t.Errorf("both ids: %d", status)
	}
	if status, doc := admin("POST", "approve", `{"user_code":"`+code+`","user":"alice"}`); status != 200 || doc["ok"] != true {
		t.Errorf("approve %d %v", status, doc)
	}
	if status, doc := admin("POST", "deny", `{"user_code":"`+code+`"}`); status != 400 || !strings.Contains(doc["error"].(string), "already") {
		t.Errorf("deny after approve %d %v", status, doc)
	}
	if status, _ := admin("POST", "deny", `{"user_code":"`+startDev()+`"}`); status != 200 {
		t.Errorf("deny %d", status)
	}

	// An /authorize request approved over the admin API returns its redirect.
	ac := authCodeClient(t, f)
	id := pendingRequest(t, f, ac, "http://127.0.0.1:1234"+callbackPath, pkceChallenge(strings.Repeat("v", 50)))
	status, doc := admin("POST", "approve", `{"request_id":"`+id+`","user":"bob"}`)
	if u, _ := doc["redirect_url"].(string); status != 200 || !strings.HasPrefix(u, "http://127.0.0.1:1234/oauth/callback?code=") || !strings.HasSuffix(u, "&state=s") {
		t.Errorf("approve request %d %v", status, doc)
	}
	id = pendingRequest(t, f, ac, "http://127.0.0.1:1234"+callbackPath, "c")
	if _, doc := admin("POST", "deny", `{"request_id":"`+id+`"}`); !strings.Contains(doc["redirect_url"].(string), "error=access_denied") {
		t.Errorf("deny request %v", doc)
	}

	status, doc = admin("POST", "mint-token", `{"user":"alice"}`)
	if status != 200 || doc["access_token"] == "" || doc["start_url"] != startURL || doc["region"] != "us-east-1" {
		t.Errorf("mint %d %v", status, doc)
	}
	if status, _ := admin("POST", "mint-token", `{"user":"mallory"}`); status != 400 {
		t.Errorf("mint for an unknown user %d", status)
	}
	status, doc = admin("GET", "tokens", "")
	toks := doc["tokens"].([]any)
	if status != 200 || len(toks) != 2 {
		t.Fatalf("tokens %d %v", status, doc)
	}
	raw, _ := json.Marshal(doc)
	if strings.Contains(string(raw), "aoa") || strings.Contains(string(raw), "aor") {
		t.Errorf("token listing shows token values: %s", raw)
	}
	if _, doc := admin("POST", "expire-tokens", `{"user":"alice"}`); doc["expired"] != 1.0 {
		t.Errorf("expire %v", doc)
	}
	if _, doc := admin("POST", "expire-tokens", ``); doc["expired"] != 0.0 {
		t.Errorf("expire all %v", doc)
	}
	if _, doc := admin("POST", "revoke-refresh", ``); doc["revoked"] != 1.0 {
		t.Errorf("revoke %v", doc)
	}
	if status, doc := admin("POST", "auto-approve", `{"user":"bob"}`); status != 200 || doc["auto_approve_user"] != "bob" {
		t.Errorf("auto-approve %d %v", status, doc)
	}
	if code := startDev(); f.srv.ApproveDevice(code, "alice") != ErrAuthorizationDecided {
		t.Error("auto-approve did not approve the device authorization")
	}
	if status, _ := admin("POST", "auto-approve", `{"user":"mallory"}`); status != 400 {
		t.Errorf("auto-approve unknown user %d", status)
	}
	if _, doc := admin("POST", "auto-approve", `{"user":""}`); doc["auto_approve_user"] != "" {
		t.Errorf("auto-approve off %v", doc)
	}
	// Reset forgets registrations and tokens.
	resp, err := http.Post(f.url+"/_awsemu/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, doc := admin("GET", "tokens", ""); len(doc["tokens"].([]any)) != 0 {
		t.Errorf("tokens after reset %v", doc)
	}
	if rec := call(f.srv.Handler(), "POST", "/device_authorization",
		`{"clientId":"`+*reg.ClientId+`","clientSecret":"`+*reg.ClientSecret+`","startUrl":"`+startURL+`"}`, nil); rec.Code != 401 {
		t.Errorf("registration survived reset: %d", rec.Code)
	}
}

// TestSSONoSecretsInLogs runs every flow with logging on and checks that no
// client secret, device code, authorization code, token or credential
// reaches the log.
func TestSSONoSecretsInLogs(t *testing.T) {
	var logBuf bytes.Buffer
	f := newFixture(t, nil, Options{Logger: slog.New(slog.NewTextHandler(&logBuf, nil))})
	reg, tok := login(t, f)
	secrets := []string{*reg.ClientSecret, *tok.AccessToken, *tok.RefreshToken}
	h := f.srv.Handler()
	auth := map[string]string{"x-amz-sso_bearer_token": *tok.AccessToken}
	rec := call(h, "GET", "/federation/credentials?role_name="+adminPS+"&account_id="+devAccount, "", auth)
	creds := decodeObj(t, rec)["roleCredentials"].(map[string]any)
	secrets = append(secrets, creds["secretAccessKey"].(string), creds["sessionToken"].(string))
	call(h, "GET", "/federation/credentials?role_name=x&account_id="+devAccount, "", auth)
	call(h, "POST", "/token", `{"clientId":"`+*reg.ClientId+`","clientSecret":"`+*reg.ClientSecret+`","grantType":"refresh_token","refreshToken":"`+*tok.RefreshToken+`"}`, nil)
	call(h, "POST", "/token", `{"clientId":"`+*reg.ClientId+`","clientSecret":"`+*reg.ClientSecret+`","grantType":"refresh_token","refreshToken":"`+*tok.RefreshToken+`"}`, nil)
	call(h, "POST", "/token", `{"clientId":"`+*reg.ClientId+`","clientSecret":"wrong-secret-value","grantType":"refresh_token","refreshToken":"x"}`, nil)
	call(h, "POST", "/logout", "", auth)
	call(h, "GET", "/assignment/accounts", "", auth)
	log := logBuf.String()
	for _, s := range secrets {
		if strings.Contains(log, s) {
			t.Errorf("log contains a secret (%.6s…)", s)
		}
	}
	for _, want := range []string{"action=sso:GetRoleCredentials", "code=ResourceNotFoundException", "code=InvalidGrantException", `reason="refresh token already used"`, "action=sso:Logout"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if regexp.MustCompile(`wrong-secret-value`).MatchString(log) {
		t.Error("log contains a sent client secret")
	}
}

// FuzzOIDCHandler sends arbitrary bodies to the OIDC operations: the answer
// is always a JSON document with a 2xx or 4xx status.
func FuzzOIDCHandler(f *testing.F) {
	srv := MustNew(ExampleWorld(), Options{})
	h := srv.Handler()
	tok, err := srv.MintSSOToken("alice")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(0), `{"clientName":"x","clientType":"public","scopes":["sso:account:access"],"grantTypes":["authorization_code"],"redirectUris":["http://127.0.0.1/cb"]}`)
	f.Add(uint8(1), `{"clientId":"`+tok.ClientID+`","clientSecret":"`+tok.ClientSecret+`","startUrl":"`+startURL+`"}`)
	f.Add(uint8(2), `{"clientId":"`+tok.ClientID+`","clientSecret":"`+tok.ClientSecret+`","grantType":"refresh_token","refreshToken":"`+tok.RefreshToken+`"}`)
	f.Add(uint8(2), `{"clientId":"`+tok.ClientID+`","clientSecret":"`+tok.ClientSecret+`","grantType":"authorization_code","code":"c","redirectUri":"http://127.0.0.1:1/cb","codeVerifier":"`+strings.Repeat("a", 43)+`"}`)
	f.Add(uint8(2), `{"clientId":"`+tok.ClientID+`","clientSecret":"`+tok.ClientSecret+`","grantType":"`+grantDeviceCode+`","deviceCode":"d"}`)
	f.Add(uint8(0), `[]`)
	f.Add(uint8(1), `{"clientId":null}`)
	paths := []string{"/client/register", "/device_authorization", "/token"}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		rec := call(h, "POST", paths[int(op)%len(paths)], body, nil)
		if rec.Code != 200 && (rec.Code < 400 || rec.Code >= 500) {
			t.Fatalf("status %d for %q", rec.Code, body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("invalid JSON %q", rec.Body)
		}
	})
}

// FuzzPortalHandler sends arbitrary query strings to the portal.
func FuzzPortalHandler(f *testing.F) {
	srv := MustNew(ExampleWorld(), Options{})
	h := srv.Handler()
	tok, err := srv.MintSSOToken("alice")
	if err != nil {
		f.Fatal(err)
	}
	valid := srv.sso.pageToken("accounts", "alice", 1)
	f.Add(uint8(0), "max_result=1&next_token="+valid)
	f.Add(uint8(1), "account_id="+devAccount+"&max_result=100")
	f.Add(uint8(2), "role_name="+adminPS+"&account_id="+devAccount)
	f.Add(uint8(0), "next_token=%ff&max_result=-1")
	paths := []string{"/assignment/accounts", "/assignment/roles", "/federation/credentials"}
	f.Fuzz(func(t *testing.T, op uint8, query string) {
		r := httptest.NewRequest("GET", "http://127.0.0.1/", nil)
		r.URL.Path = paths[int(op)%len(paths)]
		r.URL.RawQuery = query
		r.Header.Set(bearerHeader, tok.AccessToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != 200 && rec.Code != 400 && rec.Code != 404 {
			t.Fatalf("status %d for %q: %s", rec.Code, query, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("invalid JSON %q", rec.Body)
		}
	})
}

// FuzzPageToken: only tokens the emulator made parse, to the offset they
// were made for.
func FuzzPageToken(f *testing.F) {
	st := newSSOState()
	f.Add("accounts", "alice", 5, st.pageToken("accounts", "alice", 5))
	f.Add("roles/1", "bob", 0, "MA")
	f.Add("", "", 1, "")
	f.Fuzz(func(t *testing.T, listing, user string, offset int, token string) {
		if off, ok := st.parsePageToken(listing, user, token); ok && st.pageToken(listing, user, off) != token {
			t.Fatalf("token %q parsed to %d but re-encodes differently", token, off)
		}
		if offset < 0 || offset > 1e9-1 {
			return
		}
		made := st.pageToken(listing, user, offset)
		if off, ok := st.parsePageToken(listing, user, made); !ok || off != offset {
			t.Fatalf("round trip of %d: %d %v", offset, off, ok)
		}
		if _, ok := st.parsePageToken(listing+"x", user, made); ok {
			t.Fatal("token accepted by another listing")
		}
	})
}

// FuzzAuthorize sends arbitrary query strings to /authorize: never a 5xx,
// and a redirect only ever goes to a loopback URI.
func FuzzAuthorize(f *testing.F) {
	srv := MustNew(ExampleWorld(), Options{})
	h := srv.Handler()
	rec := call(h, "POST", "/client/register", `{"clientName":"x","clientType":"public","scopes":["sso:account:access"],"grantTypes":["authorization_code"],"redirectUris":["http://127.0.0.1/cb"]}`, nil)
	var reg map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &reg)
	id, _ := reg["clientId"].(string)
	f.Add("response_type=code&client_id=" + id + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&state=s&code_challenge_method=S256&code_challenge=x&scopes=sso%3Aaccount%3Aaccess")
	f.Add("client_id=" + id + "&redirect_uri=http%3A%2F%2Fevil.example%2Fcb")
	f.Add("%")
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest("GET", "http://127.0.0.1/authorize", nil)
		r.URL.RawQuery = query
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		switch rec.Code {
		case 200, 400:
		case 302:
			u, ok := loopbackURI(rec.Header().Get("Location"))
			if !ok || u.Hostname() != "127.0.0.1" {
				t.Fatalf("redirect to %q", rec.Header().Get("Location"))
			}
		default:
			t.Fatalf("status %d", rec.Code)
		}
	})
}
