package creds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/assume-cli/assume/internal/awsemu"
)

// rotateOpts points STS and IAM at the emulator, with fast retries.
func rotateOpts(url string) RotateOptions {
	o := RotateOptions{Options: emuOpts(url), Profile: "alice", IAMEndpoint: url}
	o.VerifyTimeout = 300 * time.Millisecond
	o.VerifyBackoff = func(int) time.Duration { return 20 * time.Millisecond }
	return o
}

var aliceOld = Credentials{AccessKeyID: emuAliceKey, SecretAccessKey: emuAliceSecret}

// keyStore records what RotateAccessKey stored; err makes storing fail.
type keyStore struct {
	offered []Credentials // every call
	stored  []Credentials // the successful ones
	err     error
}

func (s *keyStore) store(c Credentials) error {
	s.offered = append(s.offered, c)
	if s.err != nil {
		// A careless store error that quotes the secret: it must not
		// reach our messages.
		return fmt.Errorf("saving secret %s: %w", c.SecretAccessKey, s.err)
	}
	s.stored = append(s.stored, c)
	return nil
}

// aliceKeys lists alice's keys on the emulator as "ID:Status".
func aliceKeys(srv *awsemu.Server) []string {
	var out []string
	for _, k := range srv.AccessKeys() {
		if strings.HasSuffix(k.UserARN, "/alice") {
			out = append(out, k.AccessKeyID+":"+k.Status)
		}
	}
	return out
}

// works reports whether c is accepted by STS on the emulator.
func works(t *testing.T, url string, c Credentials) bool {
	t.Helper()
	_, _, _, err := CallerIdentity(context.Background(), c, emuOpts(url))
	if err == nil {
		return true
	}
	var ic *InvalidCredentialsError
	if !errors.As(err, &ic) {
		t.Fatalf("CallerIdentity(%s): %v", c.AccessKeyID, err)
	}
	return false
}

func checkClean(t *testing.T, what string, secrets []string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		for _, secret := range secrets {
			if secret != "" && strings.Contains(s, secret) {
				t.Errorf("%s contains a secret:\n%s", what, s)
			}
		}
	}
}

func TestRotateAccessKey(t *testing.T) {
	var rejected atomic.Int64 // STS calls refused by rejectNewKeysOnSTS
	tests := []struct {
		name string
		// setup prepares the emulator and options; it returns the handler
		// to serve (nil: the emulator's own).
		setup func(t *testing.T, srv *awsemu.Server, o *RotateOptions, ks *keyStore) http.Handler
		check func(t *testing.T, srv *awsemu.Server, url string, res *RotateResult, err error, ks *keyStore)
	}{
		{
			name: "happy path",
			check: func(t *testing.T, srv *awsemu.Server, url string, res *RotateResult, err error, ks *keyStore) {
				if err != nil {
					t.Fatal(err)
				}
				if len(ks.stored) != 1 {
					t.Fatalf("stored %v", ks.stored)
				}
				nk := ks.stored[0]
				if res.NewAccessKeyID != nk.AccessKeyID || res.DeletedAccessKeyID != emuAliceKey || res.OldAccessKeyID != emuAliceKey ||
					res.Warning != "" || res.UserARN != "arn:aws:iam::111111111111:user/people/alice" || nk.SessionToken != "" {
					t.Fatalf("result %+v, stored %v", res, nk)
				}
				if got := aliceKeys(srv); len(got) != 1 || got[0] != nk.AccessKeyID+":Active" {
					t.Fatalf("alice's keys %v", got)
				}
				if works(t, url, aliceOld) || !works(t, url, nk) {
					t.Fatal("the old key still works or the new one does not")
				}
				c := srv.Counters()
				if c.Calls("iam:CreateAccessKey") != 1 || c.Calls("iam:DeleteAccessKey") != 1 || c.Calls("iam:ListAccessKeys") != 1 {
					t.Fatalf("counters %+v", c)
				}
			},
		},
		{
			name: "two keys already",
			setup: func(t *testing.T, srv *awsemu.Server, o *RotateOptions, ks *keyStore) http.Handler {
				c := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(o.IAMEndpoint),
					Credentials: awscreds.NewStaticCredentialsProvider(emuAliceKey, emuAliceSecret, "")})
				if _, err := c.CreateAccessKey(context.Background(), &iam.CreateAccessKeyInput{}); err != nil {
					t.Fatal(err)
				}
				srv.ResetCounters()
				return nil
			},
			check: func(t *testing.T, srv *awsemu.Server, url string, res *RotateResult, err error, ks *keyStore) {
				var le *KeyLimitError
				if !errors.As(err, &le) || res != nil {
					t.Fatalf("err %v res %v", err, res)
				}
				keys := aliceKeys(srv)
				other := strings.TrimSuffix(keys[1], ":Active")
				if len(le.OtherIDs) != 1 || le.OtherIDs[0] != other || !strings.Contains(err.Error(), other) ||
					!strings.Contains(HintOf(err), "aws iam delete-access-key --access-key-id "+other+" --profile alice") {
					t.Fatalf("error %q hint %q (keys %v)", err, HintOf(err), keys)
				}
				if len(keys) != 2 || srv.Counters().Calls("iam:CreateAccessKey") != 0 || len(ks.stored) != 0 {
					t.Fatalf("something changed: keys %v counters %+v", keys, srv.Counters())
				}
			},
		},
		{
			name: "store fails",
			setup: func(t *testing.T, srv *awsemu.Server, o *RotateOptions, ks *keyStore) http.Handler {
				ks.err = errors.New("keychain locked")
				return nil
			},
			check: func(t *testing.T, srv *awsemu.Server, url string, res *RotateResult, err error, ks *keyStore) {
				var re *RotateError
				if !errors.As(err, &re) || !errors.Is(err, ks.err) || re.Step != "storing the new key" || re.NewKeyLeft {
					t.Fatalf("err %#v", err)
				}
				if !strings.Contains(err.Error(), "keychain locked") || !strings.Contains(err.Error(), "the new key was deleted again and the old key is unchanged") {
					t.Fatalf("message %q", err)
				}
				if got := aliceKeys(srv); len(got) != 1 || got[0] != emuAliceKey+":Active" || !works(t, url, aliceOld) {
					t.Fatalf("alice's keys %v", got)
				}
			},
		},
		{
			name: "verification fails",
			setup: func(t *testing.T, srv *awsemu.Server, o *RotateOptions, ks *keyStore) http.Handler {
				return rejectNewKeysOnSTS(srv.Handler(), &rejected)
			},
			check: func(t *testing.T, srv *awsemu.Server, url string, res *RotateResult, err error, ks *keyStore) {
				var re *RotateError
				var ic *InvalidCredentialsError
				if !errors.As(err, &re) || re.Step != "verifying the new key" || re.NewKeyLeft || !errors.As(err, &ic) {
					t.Fatalf("err %v", err)
				}
				if len(ks.stored) != 0 {
					t.Fatal("an unverified key was stored")
				}
				if got := aliceKeys(srv); len(got) != 1 || got[0] != emuAliceKey+":Active" {
					t.Fatalf("alice's keys %v", got)
				}
				// Retried while the time allowed.
				if n := rejected.Load(); n < 2 {
					t.Fatalf("verification attempts %d, want retries", n)
				}
			},
		},
		{
			name: "verification fails and the new key cannot be deleted",
			setup: func(t *testing.T, srv *awsemu.Server, o *RotateOptions, ks *keyStore) http.Handler {
				if err := srv.AddFault(awsemu.Fault{Kind: awsemu.FaultInternal, Action: "iam:DeleteAccessKey"}); err != nil {
					t.Fatal(err)
				}
				return rejectNewKeysOnSTS(srv.Handler(), &rejected)
			},
			check: func(t *testing.T, srv *awsemu.Server, url string, res *RotateResult, err error, ks *keyStore) {
				var re *RotateError
				if !errors.As(err, &re) || !re.NewKeyLeft {
					t.Fatalf("err %v", err)
				}
				keys := aliceKeys(srv)
				left := strings.TrimSuffix(keys[len(keys)-1], ":Active")
				if len(keys) != 2 || re.NewKeyID != left || !strings.Contains(err.Error(), left+" could not be deleted") ||
					HintOf(err) != "delete the unused new key with: aws iam delete-access-key --access-key-id "+left+" --profile alice" {
					t.Fatalf("keys %v, error %q, hint %q", keys, err, HintOf(err))
				}
			},
		},
		{
			name: "deleting the old key fails",
			setup: func(t *testing.T, srv *awsemu.Server, o *RotateOptions, ks *keyStore) http.Handler {
				if err := srv.AddFault(awsemu.Fault{Kind: awsemu.FaultInternal, Action: "iam:DeleteAccessKey"}); err != nil {
					t.Fatal(err)
				}
				return nil
			},
			check: func(t *testing.T, srv *awsemu.Server, url string, res *RotateResult, err error, ks *keyStore) {
				if err != nil {
					t.Fatal(err)
				}
				if len(ks.stored) != 1 || res.NewAccessKeyID != ks.stored[0].AccessKeyID || res.DeletedAccessKeyID != "" {
					t.Fatalf("result %+v", res)
				}
				for _, want := range []string{"the new key " + res.NewAccessKeyID + " is stored and works", "InternalFailure",
					"delete it with: aws iam delete-access-key --access-key-id " + emuAliceKey + " --profile alice"} {
					if !strings.Contains(res.Warning, want) {
						t.Errorf("warning %q lacks %q", res.Warning, want)
					}
				}
				if !works(t, url, aliceOld) || !works(t, url, ks.stored[0]) {
					t.Fatal("both keys should work")
				}
			},
		},
		{
			name: "old key rejected",
			setup: func(t *testing.T, srv *awsemu.Server, o *RotateOptions, ks *keyStore) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), emuAliceKey, "AKIAGHOSTEXAMPLE0001", 1))
					srv.Handler().ServeHTTP(w, r)
				})
			},
			check: func(t *testing.T, srv *awsemu.Server, url string, res *RotateResult, err error, ks *keyStore) {
				var ic *InvalidCredentialsError
				if !errors.As(err, &ic) || srv.Counters().Calls("iam:CreateAccessKey") != 0 {
					t.Fatalf("err %v", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := awsemu.MustNew(awsemu.ExampleWorld(), awsemu.Options{})
			var h http.Handler
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if h != nil {
					h.ServeHTTP(w, r)
					return
				}
				srv.Handler().ServeHTTP(w, r)
			}))
			t.Cleanup(ts.Close)
			o := rotateOpts(ts.URL)
			var debug bytes.Buffer
			o.Debug = &debug
			ks := &keyStore{}
			if tt.setup != nil {
				h = tt.setup(t, srv, &o, ks)
			}
			res, err := RotateAccessKey(context.Background(), aliceOld, ks.store, o)
			secrets := []string{emuAliceSecret}
			for _, c := range ks.offered {
				secrets = append(secrets, c.SecretAccessKey)
			}
			texts := []string{debug.String()}
			if err != nil {
				texts = append(texts, err.Error(), HintOf(err))
			}
			if res != nil {
				texts = append(texts, res.Warning)
			}
			checkClean(t, "output", secrets, texts...)
			h = nil
			if testing.Verbose() && err != nil {
				t.Logf("error: %v\nhint: %s", err, HintOf(err))
			} else if testing.Verbose() && res.Warning != "" {
				t.Logf("warning: %s", res.Warning)
			}
			tt.check(t, srv, ts.URL, res, err, ks)
		})
	}
}

// rejectNewKeysOnSTS answers every STS call not signed with alice's
// original key with InvalidClientTokenId, as AWS does for a few seconds
// after a key is created (here: for ever).
func rejectNewKeysOnSTS(next http.Handler, rejected *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		auth := r.Header.Get("Authorization")
		if strings.Contains(auth, "/sts/") && !strings.Contains(auth, "Credential="+emuAliceKey+"/") {
			rejected.Add(1)
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>`+
				`<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error>`+
				`<RequestId>00000000-0000-4000-8000-000000000000</RequestId></ErrorResponse>`)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// TestRotateAccessKeyEndpointEnv: without IAMEndpoint the SDK's
// AWS_ENDPOINT_URL_IAM reaches the emulator.
func TestRotateAccessKeyEndpointEnv(t *testing.T) {
	srv, url := emulator(t)
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_IAM", url)
	o := rotateOpts(url)
	o.IAMEndpoint = ""
	ks := &keyStore{}
	res, err := RotateAccessKey(context.Background(), aliceOld, ks.store, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.DeletedAccessKeyID != emuAliceKey || srv.Counters().Calls("iam:DeleteAccessKey") != 1 {
		t.Fatalf("result %+v", res)
	}
}

func TestRotateAccessKeyRefusesBadInput(t *testing.T) {
	_, url := emulator(t)
	ks := &keyStore{}
	tests := []struct {
		name  string
		old   Credentials
		store func(Credentials) error
		want  string
	}{
		{"session credentials", Credentials{AccessKeyID: "ASIAEXAMPLE000000001", SecretAccessKey: "s" + secretMarker, SessionToken: "t" + tokenMarker}, ks.store, "temporary session credentials"},
		{"no store", aliceOld, nil, "no store function"},
		{"empty", Credentials{}, ks.store, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := RotateAccessKey(context.Background(), tt.old, tt.store, rotateOpts(url))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v", err)
			}
			assertNoSecrets(t, "error", err.Error())
		})
	}
}
