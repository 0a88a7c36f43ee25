package console

import (
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPartitionForRegion(t *testing.T) {
	tests := []struct {
		region string
		want   Partition
	}{
		{"", AWS},
		{"us-east-1", AWS},
		{"eu-west-3", AWS},
		{"ap-southeast-2", AWS},
		{"us-gov-west-1", AWSUSGov},
		{"us-gov-east-1", AWSUSGov},
		{"US-GOV-WEST-1", AWSUSGov},
		{"cn-north-1", AWSCN},
		{"cn-northwest-1", AWSCN},
	}
	for _, tt := range tests {
		if got := PartitionForRegion(tt.region); got != tt.want {
			t.Errorf("PartitionForRegion(%q) = %s, want %s", tt.region, got.ID, tt.want.ID)
		}
	}
}

func TestPartitionHosts(t *testing.T) {
	tests := []struct {
		p                Partition
		federation, home string
	}{
		{AWS, "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/"},
		{AWSUSGov, "https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/"},
		{AWSCN, "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/"},
	}
	for _, tt := range tests {
		if got := tt.p.FederationEndpoint(); got != tt.federation {
			t.Errorf("%s federation = %s", tt.p.ID, got)
		}
		if got := "https://" + tt.p.ConsoleHost + "/"; got != tt.home {
			t.Errorf("%s console = %s", tt.p.ID, got)
		}
		if q, ok := PartitionByID(tt.p.ID); !ok || q != tt.p {
			t.Errorf("PartitionByID(%s) = %v %v", tt.p.ID, q, ok)
		}
		if PartitionForRegion(tt.p.DefaultRegion) != tt.p {
			t.Errorf("%s default region %s is in another partition", tt.p.ID, tt.p.DefaultRegion)
		}
	}
	if _, ok := PartitionByID("aws-iso"); ok {
		t.Error("aws-iso should be unknown")
	}
}

func TestServiceTable(t *testing.T) {
	required := []string{"ec2", "s3", "lambda", "iam", "cloudwatch", "logs", "ecs", "eks", "rds", "dynamodb",
		"sqs", "sns", "cloudformation", "ssm", "secretsmanager", "kms", "vpc", "route53", "billing"}
	for _, name := range required {
		if _, ok := LookupService(name); !ok {
			t.Errorf("shortcut %s missing", name)
		}
	}
	svcs := Services()
	if !slices.IsSortedFunc(svcs, func(a, b Service) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("service table is not sorted by name (LookupService relies on it)")
	}
	for i, s := range svcs {
		if i > 0 && svcs[i-1].Name == s.Name {
			t.Errorf("duplicate shortcut %s", s.Name)
		}
		if !strings.HasPrefix(s.Path, "/") || strings.Contains(s.Path, "?") || s.Title == "" || s.Name != strings.ToLower(s.Name) {
			t.Errorf("bad table entry %+v", s)
		}
	}
	if s, ok := LookupService(" EC2 "); !ok || s.Name != "ec2" {
		t.Errorf("LookupService is not case-insensitive: %v %v", s, ok)
	}
}

// TestDestinationEveryShortcut covers every partition × shortcut × region.
func TestDestinationEveryShortcut(t *testing.T) {
	regions := map[string][]string{
		"aws":        {"", "us-east-1", "eu-central-1", "ap-northeast-1"},
		"aws-us-gov": {"", "us-gov-west-1", "us-gov-east-1"},
		"aws-cn":     {"", "cn-north-1", "cn-northwest-1"},
	}
	for _, p := range Partitions() {
		for _, region := range regions[p.ID] {
			for _, s := range Services() {
				path, frag, _ := strings.Cut(s.Path, "#")
				want := "https://" + p.ConsoleHost + path
				if !s.Global {
					r := region
					if r == "" {
						r = p.DefaultRegion
					}
					want += "?region=" + r
				}
				if frag != "" {
					want += "#" + frag
				}
				// With the partition named and derived from the region.
				for _, part := range []string{p.ID, ""} {
					if part == "" && region == "" && p.ID != "aws" {
						continue // no way to tell the partition
					}
					got, err := Destination(part, region, s.Name, "")
					if err != nil || got != want {
						t.Errorf("Destination(%q, %q, %q) = %q, %v; want %q", part, region, s.Name, got, err, want)
					}
				}
			}
		}
	}
}

func TestDestination(t *testing.T) {
	tests := []struct {
		name                             string
		partition, region, service, path string
		want                             string
	}{
		{"home", "", "", "", "", "https://console.aws.amazon.com/console/home"},
		{"home with region", "", "eu-west-1", "", "", "https://console.aws.amazon.com/console/home?region=eu-west-1"},
		{"home gov", "", "us-gov-west-1", "", "", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"},
		{"home cn partition only", "aws-cn", "", "", "", "https://console.amazonaws.cn/console/home"},
		{"ec2 default region", "", "", "ec2", "", "https://console.aws.amazon.com/ec2/home?region=us-east-1"},
		{"lambda", "", "eu-west-1", "lambda", "", "https://console.aws.amazon.com/lambda/home?region=eu-west-1"},
		{"iam is global", "", "eu-west-1", "iam", "", "https://console.aws.amazon.com/iam/home"},
		{"logs fragment", "", "eu-west-1", "logs", "", "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups"},
		{"s3 cn", "", "cn-north-1", "S3", "", "https://console.amazonaws.cn/s3/home?region=cn-north-1"},
		{"path", "", "eu-west-1", "", "/ec2/home#Instances:", "https://console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"},
		{"path without slash", "", "", "", "ec2/home", "https://console.aws.amazon.com/ec2/home"},
		{"path with query", "", "eu-west-1", "", "/s3/buckets/b?tab=objects", "https://console.aws.amazon.com/s3/buckets/b?tab=objects&region=eu-west-1"},
		{"path keeps own region", "", "eu-west-1", "", "/ec2/home?region=us-west-2", "https://console.aws.amazon.com/ec2/home?region=us-west-2"},
		{"path escaped", "", "", "", "/a b", ""},
		{"full URL", "", "", "", "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1", "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"},
		{"full URL gov", "aws-us-gov", "", "", "https://console.amazonaws-us-gov.com/iam/home", "https://console.amazonaws-us-gov.com/iam/home"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Destination(tt.partition, tt.region, tt.service, tt.path)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestDestinationErrors(t *testing.T) {
	tests := []struct {
		name                             string
		partition, region, service, path string
		wantErr                          string
	}{
		{"service and path", "", "", "ec2", "/ec2/home", "either"},
		{"bad region", "", "mars-1", "", "", "invalid region"},
		{"region injection", "", "us-east-1&x=1", "ec2", "", "invalid region"},
		{"unknown partition", "aws-iso", "", "", "", "unknown partition"},
		{"region of another partition", "aws", "cn-north-1", "ec2", "", "not in partition"},
		{"foreign host", "", "", "", "https://evil.example.com/ec2", "not an https URL"},
		{"look-alike host", "", "", "", "https://evilconsole.aws.amazon.com/", "not an https URL"},
		{"http", "", "", "", "http://console.aws.amazon.com/", "not an https URL"},
		{"other partition host", "aws-cn", "", "", "https://console.aws.amazon.com/", "not an https URL"},
		{"userinfo", "", "", "", "https://x@console.aws.amazon.com/", "not an https URL"},
		{"scheme-relative", "", "", "", "//evil.example.com/x", "invalid destination"},
		{"control", "", "", "", "/ec2\n/home", "control"},
		{"bad query", "", "", "", "/ec2/home?a=%zz", "invalid query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Destination(tt.partition, tt.region, tt.service, tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %q, %v; want error containing %q", got, err, tt.wantErr)
			}
		})
	}
}

func TestUnknownServiceSuggestions(t *testing.T) {
	tests := []struct {
		name string
		want []string // first suggestions, in order
	}{
		{"lamda", []string{"lambda"}},
		{"ec3", []string{"ec2"}},
		{"dynamo", []string{"dynamodb"}},
		{"cloudwatc", []string{"cloudwatch"}},
		{"secretmanager", []string{"secretsmanager"}},
		{"route52", []string{"route53"}},
		{"xyzzyplugh", nil},
	}
	for _, tt := range tests {
		_, err := Destination("", "", tt.name, "")
		var use *UnknownServiceError
		if !errors.As(err, &use) {
			t.Fatalf("%s: error %v is not an UnknownServiceError", tt.name, err)
		}
		if use.Name != tt.name {
			t.Errorf("%s: Name = %q", tt.name, use.Name)
		}
		if len(tt.want) == 0 {
			if len(use.Suggestions) != 0 {
				t.Errorf("%s: suggestions %v, want none", tt.name, use.Suggestions)
			}
			if strings.Contains(err.Error(), "did you mean") {
				t.Errorf("%s: message %q", tt.name, err)
			}
			continue
		}
		if len(use.Suggestions) < len(tt.want) || !slices.Equal(use.Suggestions[:len(tt.want)], tt.want) {
			t.Errorf("%s: suggestions %v, want first %v", tt.name, use.Suggestions, tt.want)
		}
		if !strings.Contains(err.Error(), "did you mean "+tt.want[0]) {
			t.Errorf("%s: message %q", tt.name, err)
		}
	}
}

const (
	testKeyID  = "ASIAEXAMPLEKEY000001"
	testSecret = "secretKEYexample/0000+000000000000000001"
	testToken  = "sessionTOKENexample/+=abc"
)

func testCreds() Credentials {
	return Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: testToken}
}

func TestSigninTokenURL(t *testing.T) {
	tests := []struct {
		name         string
		creds        Credentials
		duration     time.Duration
		federation   bool
		wantDuration string // "" means absent
		wantErr      error
		wantErrText  string
	}{
		{name: "role default", creds: testCreds()},
		{name: "role 12h", creds: testCreds(), duration: 12 * time.Hour, wantDuration: "43200"},
		{name: "role 15m", creds: testCreds(), duration: 15 * time.Minute, wantDuration: "900"},
		{name: "federation token", creds: testCreds(), federation: true},
		{name: "federation token with duration", creds: testCreds(), duration: time.Hour, federation: true, wantErr: ErrDurationWithFederationToken},
		{name: "too short", creds: testCreds(), duration: 899 * time.Second, wantErrText: "out of range"},
		{name: "too long", creds: testCreds(), duration: 43201 * time.Second, wantErrText: "out of range"},
		{name: "fractional", creds: testCreds(), duration: time.Hour + time.Millisecond, wantErrText: "out of range"},
		{name: "long-term keys", creds: Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: testSecret}, wantErr: ErrLongTermKeys},
		{name: "no secret", creds: Credentials{AccessKeyID: testKeyID, SessionToken: testToken}, wantErrText: "incomplete"},
	}
	const endpoint = "https://signin.aws.amazon.com/federation"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SigninTokenURL(endpoint, tt.creds, tt.duration, tt.federation)
			if tt.wantErr != nil || tt.wantErrText != "" {
				if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) || !strings.Contains(err.Error(), tt.wantErrText) {
					t.Fatalf("got %q, %v; want error %v %q", got, err, tt.wantErr, tt.wantErrText)
				}
				if strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), testToken) {
					t.Errorf("error leaks a secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if base := u.Scheme + "://" + u.Host + u.Path; base != endpoint {
				t.Errorf("endpoint %s", base)
			}
			q := u.Query()
			if q.Get("Action") != "getSigninToken" {
				t.Errorf("Action = %q", q.Get("Action"))
			}
			if _, has := q["SessionDuration"]; has != (tt.wantDuration != "") || q.Get("SessionDuration") != tt.wantDuration {
				t.Errorf("SessionDuration = %q (present %v), want %q", q.Get("SessionDuration"), has, tt.wantDuration)
			}
			var sess map[string]string
			if err := json.Unmarshal([]byte(q.Get("Session")), &sess); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"sessionId": testKeyID, "sessionKey": testSecret, "sessionToken": testToken}
			if len(sess) != 3 || sess["sessionId"] != want["sessionId"] || sess["sessionKey"] != want["sessionKey"] || sess["sessionToken"] != want["sessionToken"] {
				t.Errorf("Session = %v", sess)
			}
		})
	}
}

func TestLoginURL(t *testing.T) {
	dest := "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups"
	tests := []struct {
		issuer, wantIssuer string
	}{
		{"", DefaultIssuer},
		{"https://example.com/my tool?x=1&y", "https://example.com/my tool?x=1&y"},
	}
	for _, tt := range tests {
		got := LoginURL("https://signin.amazonaws.cn/federation", tt.issuer, dest, "tok+en/=&x")
		u, err := url.Parse(got)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if u.Host != "signin.amazonaws.cn" || u.Path != "/federation" || u.Fragment != "" ||
			q.Get("Action") != "login" || q.Get("Issuer") != tt.wantIssuer || q.Get("Destination") != dest || q.Get("SigninToken") != "tok+en/=&x" || len(q) != 4 {
			t.Errorf("LoginURL = %s (query %v)", got, q)
		}
	}
}

func TestSigninEndpoint(t *testing.T) {
	tests := []struct {
		name    string
		p       Partition
		env     string
		want    string
		wantErr bool
	}{
		{"default aws", AWS, "", "https://signin.aws.amazon.com/federation", false},
		{"default gov", AWSUSGov, "", "https://signin.amazonaws-us-gov.com/federation", false},
		{"default cn", AWSCN, "  ", "https://signin.amazonaws.cn/federation", false},
		{"override", AWS, "http://127.0.0.1:4000/federation", "http://127.0.0.1:4000/federation", false},
		{"override wins in any partition", AWSCN, "https://signin.test/federation", "https://signin.test/federation", false},
		{"not a URL", AWS, "127.0.0.1:4000", "", true},
		{"ftp", AWS, "ftp://x/federation", "", true},
		{"query", AWS, "http://x/federation?Action=login", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SigninEndpoint(tt.p, func(k string) string {
				if k == SigninEndpointEnv {
					return tt.env
				}
				return ""
			})
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("got %q, %v; want %q (error %v)", got, err, tt.want, tt.wantErr)
			}
		})
	}
	if got, err := SigninEndpoint(AWS, nil); err != nil || got != AWS.FederationEndpoint() {
		t.Errorf("nil getenv: %q %v", got, err)
	}
}

func TestParseSigninTokenResponse(t *testing.T) {
	tests := []struct {
		body    string
		want    string
		wantErr bool
	}{
		{`{"SigninToken":"abc"}`, "abc", false},
		{`{"SigninToken":"abc","Other":1}`, "abc", false},
		{`{"SigninToken":""}`, "", true},
		{`{}`, "", true},
		{`{"SigninToken":3}`, "", true},
		{`<html>Bad Request</html>`, "", true},
		{``, "", true},
	}
	for _, tt := range tests {
		got, err := ParseSigninTokenResponse([]byte(tt.body))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%q: got %q, %v", tt.body, got, err)
		}
	}
}

func FuzzDestination(f *testing.F) {
	f.Add("", "", "", "")
	f.Add("aws", "us-east-1", "ec2", "")
	f.Add("", "cn-north-1", "lamda", "")
	f.Add("aws-us-gov", "us-gov-west-1", "", "/ec2/home?region=x#Instances")
	f.Add("", "", "", "https://eu-west-1.console.aws.amazon.com/ec2/home")
	f.Add("", "", "", "//evil.example.com")
	f.Add("", "", "", "/a?b=%zz")
	f.Fuzz(func(t *testing.T, partition, region, service, path string) {
		got, err := Destination(partition, region, service, path)
		if err != nil {
			if got != "" {
				t.Fatalf("result %q with error %v", got, err)
			}
			return
		}
		u, perr := url.Parse(got)
		if perr != nil {
			t.Fatalf("Destination returned an unparsable URL %q: %v", got, perr)
		}
		p := PartitionForRegion(region)
		if partition != "" {
			p, _ = PartitionByID(partition)
		}
		if u.Scheme != "https" || u.User != nil || (u.Host != p.ConsoleHost && !strings.HasSuffix(u.Host, "."+p.ConsoleHost)) {
			t.Fatalf("Destination(%q, %q, %q, %q) = %q: not on %s", partition, region, service, path, got, p.ConsoleHost)
		}
	})
}

func FuzzParseSigninTokenResponse(f *testing.F) {
	f.Add([]byte(`{"SigninToken":"abc"}`))
	f.Add([]byte(`{"SigninToken":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, err := ParseSigninTokenResponse(body)
		if (err == nil) == (tok == "") {
			t.Fatalf("token %q with error %v", tok, err)
		}
	})
}
