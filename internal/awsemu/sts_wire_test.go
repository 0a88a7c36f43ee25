package awsemu

// Wire-level checks of the Query protocol documents, independent of any
// SDK's parser: exact element names, namespace, headers, status codes.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// rawRequest builds an STS request signed like botocore does (content-type,
// host, x-amz-date[, x-amz-security-token]; no content-length).
func rawRequest(t testing.TB, method, target, body, contentType string, creds *aws.Credentials, when time.Time) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	if creds != nil {
		sum := sha256.Sum256([]byte(body))
		r.ContentLength = 0 // keep content-length out of the signed headers, as botocore does
		if err := v4.NewSigner().SignHTTP(context.Background(), *creds, r, hex.EncodeToString(sum[:]), "sts", "eu-west-1", when); err != nil {
			t.Fatal(err)
		}
		r.ContentLength = int64(len(body))
	}
	return r
}

const formCT = "application/x-www-form-urlencoded; charset=utf-8"

func serveRaw(srv *Server, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, r)
	return rec
}

// xmlNode is a generic XML tree for structural assertions.
type xmlNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []xmlNode  `xml:",any"`
	Text     string     `xml:",chardata"`
}

func (n *xmlNode) child(name string) *xmlNode {
	for i := range n.Children {
		if n.Children[i].XMLName.Local == name {
			return &n.Children[i]
		}
	}
	return nil
}

// path follows child names; it fails the test when one is missing.
func (n *xmlNode) path(t testing.TB, names ...string) *xmlNode {
	t.Helper()
	cur := n
	for _, name := range names {
		next := cur.child(name)
		if next == nil {
			t.Fatalf("element <%s> has no child <%s>", cur.XMLName.Local, name)
		}
		cur = next
	}
	return cur
}

func parseXML(t testing.TB, body []byte) *xmlNode {
	t.Helper()
	var n xmlNode
	if err := xml.Unmarshal(body, &n); err != nil {
		t.Fatalf("response is not XML: %v\n%s", err, body)
	}
	return &n
}

var expirationRe = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

func TestWireSuccessDocuments(t *testing.T) {
	srv := MustNew(testWorld(t), Options{})
	alice := aliceCreds()
	now := time.Now()
	tests := []struct {
		name   string
		method string
		target string
		body   string
		ct     string
		op     string
		check  []string // element paths that must exist under <OpResult>
	}{
		{"botocore order", "POST", "http://sts.local/", "Action=AssumeRole&Version=2011-06-15&RoleArn=" + url.QueryEscape(developerARN) + "&RoleSessionName=botocore-session-1", formCT,
			"AssumeRole", []string{"Credentials/AccessKeyId", "Credentials/SecretAccessKey", "Credentials/SessionToken", "Credentials/Expiration", "AssumedRoleUser/AssumedRoleId", "AssumedRoleUser/Arn"}},
		{"go order and content type", "POST", "http://sts.local/", "Action=AssumeRole&DurationSeconds=900&RoleArn=" + url.QueryEscape(developerARN) + "&RoleSessionName=aws-go-sdk-1&Version=2011-06-15", "application/x-www-form-urlencoded",
			"AssumeRole", []string{"Credentials/Expiration", "AssumedRoleUser/Arn"}},
		{"shuffled order", "POST", "http://sts.local/", "RoleSessionName=s1&Version=2011-06-15&RoleArn=" + url.QueryEscape(developerARN) + "&Action=AssumeRole", formCT,
			"AssumeRole", []string{"Credentials/AccessKeyId"}},
		{"GET with query string", "GET", "http://sts.local/?Action=GetCallerIdentity&Version=2011-06-15", "", "",
			"GetCallerIdentity", []string{"Arn", "UserId", "Account"}},
		{"GetSessionToken", "POST", "http://sts.local/", "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900", formCT,
			"GetSessionToken", []string{"Credentials/AccessKeyId", "Credentials/Expiration"}},
		{"GetFederationToken", "POST", "http://sts.local/", "Action=GetFederationToken&Version=2011-06-15&Name=fed-user", formCT,
			"GetFederationToken", []string{"Credentials/SessionToken", "FederatedUser/FederatedUserId", "FederatedUser/Arn"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serveRaw(srv, rawRequest(t, tt.method, tt.target, tt.body, tt.ct, &alice, now))
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/xml" {
				t.Errorf("Content-Type %q", ct)
			}
			ids := rec.Header()["x-amzn-RequestId"]
			if len(ids) != 1 || !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(ids[0]) {
				t.Errorf("x-amzn-RequestId header %q (exact spelling required)", ids)
			}
			doc := parseXML(t, rec.Body.Bytes())
			if doc.XMLName.Local != tt.op+"Response" || doc.XMLName.Space != stsNamespace {
				t.Errorf("root %v", doc.XMLName)
			}
			res := doc.path(t, tt.op+"Result")
			for _, p := range tt.check {
				n := res.path(t, strings.Split(p, "/")...)
				if strings.TrimSpace(n.Text) == "" {
					t.Errorf("%s is empty", p)
				}
				if strings.HasSuffix(p, "Expiration") && !expirationRe.MatchString(n.Text) {
					t.Errorf("Expiration %q is not YYYY-MM-DDTHH:MM:SSZ", n.Text)
				}
			}
			if got := doc.path(t, "ResponseMetadata", "RequestId").Text; len(ids) == 1 && got != ids[0] {
				t.Errorf("RequestId %q differs from header %q", got, ids[0])
			}
		})
	}
}

func TestWireErrorDocuments(t *testing.T) {
	srv := MustNew(testWorld(t), Options{})
	alice := aliceCreds()
	now := time.Now()
	tests := []struct {
		name   string
		req    func(t testing.TB) *http.Request
		status int
		code   string
		msg    string // exact, or prefix when ending in "…"
	}{
		{"unknown action", func(t testing.TB) *http.Request {
			return rawRequest(t, "POST", "http://sts.local/", "Action=DecodeAuthorizationMessageX&Version=2011-06-15", formCT, &alice, now)
		}, 400, "InvalidAction", "Could not find operation DecodeAuthorizationMessageX for version 2011-06-15"},
		{"missing version", func(t testing.TB) *http.Request {
			return rawRequest(t, "POST", "http://sts.local/", "Action=GetCallerIdentity", formCT, &alice, now)
		}, 400, "InvalidAction", "Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED"},
		{"missing action", func(t testing.TB) *http.Request {
			return rawRequest(t, "POST", "http://sts.local/", "Version=2011-06-15", formCT, &alice, now)
		}, 400, "MissingAction", "Missing Action"},
		{"unsigned", func(t testing.TB) *http.Request {
			return rawRequest(t, "POST", "http://sts.local/", "Action=GetCallerIdentity&Version=2011-06-15", formCT, nil, now)
		}, 403, "MissingAuthenticationToken", "Request is missing Authentication Token"},
		{"missing required member", func(t testing.TB) *http.Request {
			return rawRequest(t, "POST", "http://sts.local/", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=ok", formCT, &alice, now)
		}, 400, "ValidationError", "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"},
		{"duration not a number", func(t testing.TB) *http.Request {
			return rawRequest(t, "POST", "http://sts.local/", "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=soon", formCT, &alice, now)
		}, 400, "ValidationError", "1 validation error detected: Value 'soon' at 'durationSeconds' failed to satisfy constraint: Member must be an integer"},
		{"token code redacted", func(t testing.TB) *http.Request {
			return rawRequest(t, "POST", "http://sts.local/", "Action=GetSessionToken&Version=2011-06-15&SerialNumber="+url.QueryEscape(aliceSerial)+"&TokenCode=98765", formCT, &alice, now)
		}, 400, "ValidationError", "1 validation error detected: Value '*** Sensitive Data Redacted ***' at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6"},
		{"authorization without signature", func(t testing.TB) *http.Request {
			r := rawRequest(t, "POST", "http://sts.local/", "Action=GetCallerIdentity&Version=2011-06-15", formCT, &alice, now)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+aliceKeyID+"/"+now.UTC().Format("20060102")+"/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date")
			return r
		}, 400, "IncompleteSignature", "Authorization header requires 'Signature' parameter."},
		{"no date", func(t testing.TB) *http.Request {
			r := rawRequest(t, "POST", "http://sts.local/", "Action=GetCallerIdentity&Version=2011-06-15", formCT, &alice, now)
			r.Header.Del("X-Amz-Date")
			return r
		}, 400, "IncompleteSignature", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."},
		{"wrong service in scope", func(t testing.TB) *http.Request {
			r := httptest.NewRequest("POST", "http://sts.local/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
			r.Header.Set("Content-Type", formCT)
			sum := sha256.Sum256([]byte("Action=GetCallerIdentity&Version=2011-06-15"))
			if err := v4.NewSigner().SignHTTP(context.Background(), alice, r, hex.EncodeToString(sum[:]), "iam", "us-east-1", now); err != nil {
				t.Fatal(err)
			}
			return r
		}, 403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. "},
		{"tampered body", func(t testing.TB) *http.Request {
			r := rawRequest(t, "POST", "http://sts.local/", "Action=GetCallerIdentity&Version=2011-06-15", formCT, &alice, now)
			r.Body = httptest.NewRequest("POST", "/", strings.NewReader("Version=2011-06-15&Action=GetCallerIdentity")).Body
			return r
		}, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serveRaw(srv, tt.req(t))
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			if len(rec.Header()["x-amzn-RequestId"]) != 1 || rec.Header().Get("Content-Type") != "text/xml" {
				t.Errorf("headers %v", rec.Header())
			}
			doc := parseXML(t, rec.Body.Bytes())
			if doc.XMLName.Local != "ErrorResponse" || doc.XMLName.Space != stsNamespace {
				t.Errorf("root %v", doc.XMLName)
			}
			if typ := doc.path(t, "Error", "Type").Text; typ != "Sender" {
				t.Errorf("Type %q", typ)
			}
			if code := doc.path(t, "Error", "Code").Text; code != tt.code {
				t.Errorf("Code %q, want %q", code, tt.code)
			}
			if msg := doc.path(t, "Error", "Message").Text; msg != tt.msg {
				t.Errorf("Message %q\nwant    %q", msg, tt.msg)
			}
			if id := doc.path(t, "RequestId").Text; id != rec.Header()["x-amzn-RequestId"][0] {
				t.Errorf("RequestId %q", id)
			}
		})
	}
}

func TestWireReceiverFault(t *testing.T) {
	srv := MustNew(testWorld(t), Options{})
	alice := aliceCreds()
	for _, tt := range []struct {
		kind   FaultKind
		status int
		code   string
	}{{FaultInternal, 500, "InternalFailure"}, {FaultUnavailable, 503, "ServiceUnavailable"}, {FaultThrottle, 400, "Throttling"}} {
		if err := srv.SetFaults(Fault{Kind: tt.kind, Count: 1}); err != nil {
			t.Fatal(err)
		}
		rec := serveRaw(srv, rawRequest(t, "POST", "http://sts.local/", "Action=GetCallerIdentity&Version=2011-06-15", formCT, &alice, time.Now()))
		doc := parseXML(t, rec.Body.Bytes())
		wantType := "Receiver"
		if tt.status < 500 {
			wantType = "Sender"
		}
		if rec.Code != tt.status || doc.path(t, "Error", "Code").Text != tt.code || doc.path(t, "Error", "Type").Text != wantType {
			t.Errorf("%s: %d %s", tt.kind, rec.Code, rec.Body)
		}
	}
}

func TestWirePresignedGetCallerIdentity(t *testing.T) {
	srv := MustNew(testWorld(t), Options{})
	r := httptest.NewRequest("GET", "http://sts.local/?Action=GetCallerIdentity&Version=2011-06-15", nil)
	q := r.URL.Query()
	q.Set("X-Amz-Expires", "60")
	r.URL.RawQuery = q.Encode()
	emptySum := sha256.Sum256(nil)
	signed, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), aliceCreds(), r, hex.EncodeToString(emptySum[:]), "sts", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", signed, nil)
	for k, v := range hdr {
		if !strings.EqualFold(k, "host") {
			req.Header[k] = v
		}
	}
	rec := serveRaw(srv, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "<Arn>"+aliceARN+"</Arn>") {
		t.Fatalf("presigned: %d %s", rec.Code, rec.Body)
	}
	// Expired presigned URL.
	old, _, err := v4.NewSigner().PresignHTTP(context.Background(), aliceCreds(), r, hex.EncodeToString(emptySum[:]), "sts", "us-east-1", time.Now().Add(-2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	rec = serveRaw(srv, httptest.NewRequest("GET", old, nil))
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "Signature expired") {
		t.Errorf("expired presigned: %d %s", rec.Code, rec.Body)
	}
}

// FuzzSTSHandler throws arbitrary bodies and headers at the STS endpoint:
// it must never panic and must always answer a well-formed XML document
// with a request id.
func FuzzSTSHandler(f *testing.F) {
	f.Add("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FDeveloper&RoleSessionName=s1", "", true)
	f.Add("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FDeployer&RoleSessionName=s1&WebIdentityToken=a.b.c", "", false)
	f.Add("Action=GetCallerIdentity&Version=2011-06-15", "AWS4-HMAC-SHA256 Credential=A/B/C/D/E, SignedHeaders=host, Signature=00", true)
	f.Add("Action=AssumeRole&Tags.member.1.Key=a&Tags.member.x.Value=b&PolicyArns.member.99999999999.arn=z", "AWS4-HMAC-SHA256", true)
	f.Add("%zz&&==", "garbage", false)
	w := ExampleWorld()
	srv := MustNew(w, Options{})
	alice := aliceCreds()
	f.Fuzz(func(t *testing.T, body, auth string, sign bool) {
		var creds *aws.Credentials
		if sign {
			creds = &alice
		}
		r := rawRequest(t, "POST", "http://sts.local/", body, formCT, creds, time.Now())
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		rec := serveRaw(srv, r)
		if len(rec.Header()["x-amzn-RequestId"]) != 1 {
			t.Fatalf("no request id (status %d)", rec.Code)
		}
		doc := parseXML(t, rec.Body.Bytes())
		if rec.Code != 200 && doc.XMLName.Local != "ErrorResponse" {
			t.Fatalf("status %d with root %s", rec.Code, doc.XMLName.Local)
		}
	})
}

func TestWireBodyLimitAndMethods(t *testing.T) {
	srv := MustNew(testWorld(t), Options{})
	big := "Action=GetCallerIdentity&Version=2011-06-15&Pad=" + strings.Repeat("a", maxBody)
	rec := serveRaw(srv, rawRequest(t, "POST", "http://sts.local/", big, formCT, nil, time.Now()))
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("big body: %d", rec.Code)
	}
	rec = serveRaw(srv, httptest.NewRequest("PUT", "http://sts.local/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d", rec.Code)
	}
}
