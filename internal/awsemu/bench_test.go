package awsemu

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// benchRequest signs one request and returns a function that replays it
// (the emulator does not reject replays), so the benchmark measures the
// emulator rather than the client's signer.
func benchRequest(b *testing.B, body string) func() *http.Request {
	b.Helper()
	alice := aliceCreds()
	tmpl := rawRequest(b, "POST", "http://sts.local/", body, formCT, &alice, time.Now())
	return func() *http.Request {
		r := httptest.NewRequest("POST", "http://sts.local/", bytes.NewReader([]byte(body)))
		r.Header = tmpl.Header.Clone()
		return r
	}
}

// BenchmarkAssumeRole measures the emulator's own cost of one signed
// AssumeRole call through its http.Handler: parse, SigV4 check, trust
// evaluation, credential minting, XML.
func BenchmarkAssumeRole(b *testing.B) {
	srv := MustNew(ExampleWorld(), Options{})
	next := benchRequest(b, "Action=AssumeRole&Version=2011-06-15&RoleArn="+url.QueryEscape(developerARN)+"&RoleSessionName=bench")
	h := srv.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%10000 == 9999 {
			b.StopTimer()
			srv.Reset() // keep the session table from growing without bound
			b.StartTimer()
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, next())
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkGetCallerIdentity is the cheapest signed call: mostly SigV4.
func BenchmarkGetCallerIdentity(b *testing.B) {
	srv := MustNew(ExampleWorld(), Options{})
	next := benchRequest(b, "Action=GetCallerIdentity&Version=2011-06-15")
	h := srv.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, next())
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkListAccountRoles measures one authenticated ListAccountRoles
// call in a generated 2,000-account organisation: bearer lookup, paging,
// JSON.
func BenchmarkListAccountRoles(b *testing.B) {
	w, err := GenerateOrg(OrgOptions{Accounts: 2000})
	if err != nil {
		b.Fatal(err)
	}
	srv := MustNew(w, Options{})
	tok, err := srv.MintSSOToken("alice")
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest("GET", "http://portal.local/assignment/roles?account_id=100000001234&max_result=2", nil)
		r.Header.Set("x-amz-sso_bearer_token", tok.AccessToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkLoadGeneratedOrg measures parsing and compiling a world with a
// generated 2,000-account organisation.
func BenchmarkLoadGeneratedOrg(b *testing.B) {
	w, err := GenerateOrg(OrgOptions{Accounts: 2000})
	if err != nil {
		b.Fatal(err)
	}
	data, err := json.Marshal(w)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w, err := ParseWorld(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := New(w, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
