package eks

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseExecInfo(t *testing.T) {
	for _, tc := range []struct {
		in, version string
		interactive bool
		err         string
	}{
		{"", V1Beta1, false, ""},
		{`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":true}}`, V1, true, ""},
		{`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{}}`, V1Beta1, false, ""},
		{`{"apiVersion":"client.authentication.k8s.io/v1alpha1"}`, "", false, `apiVersion "client.authentication.k8s.io/v1alpha1"`},
		{`{"kind":"Pod"}`, "", false, "not an ExecCredential"},
		{`not json`, "", false, "is not JSON"},
	} {
		got, err := ParseExecInfo(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got.APIVersion != tc.version || got.Interactive != tc.interactive {
			t.Errorf("%q: %+v, %v", tc.in, got, err)
		}
	}
}

func TestCredential(t *testing.T) {
	exp := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	b, err := Credential(V1, "k8s-aws-v1.abc", exp)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	st := v["status"].(map[string]any)
	if v["kind"] != "ExecCredential" || v["apiVersion"] != V1 || st["token"] != "k8s-aws-v1.abc" || st["expirationTimestamp"] != "2026-01-02T02:04:05Z" {
		t.Errorf("%s", b)
	}
}

func TestExpires(t *testing.T) {
	s := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := Expires(s, time.Time{}); !got.Equal(s.Add(14 * time.Minute)) {
		t.Error(got)
	}
	if got := Expires(s, s.Add(5*time.Minute)); !got.Equal(s.Add(4 * time.Minute)) {
		t.Error(got)
	}
	if CacheKey("a", "b", "c", "") == CacheKey("a", "b", "c", "r") || CacheKey("ab", "", "c", "") == CacheKey("a", "b", "c", "") {
		t.Error("cache keys collide")
	}
}

func FuzzParseExecInfo(f *testing.F) {
	f.Add(`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":true}}`)
	f.Add(`{"apiVersion":"x\u001b[31m"}`)
	f.Fuzz(func(t *testing.T, s string) {
		info, err := ParseExecInfo(s)
		if err == nil && info.APIVersion != V1 && info.APIVersion != V1Beta1 {
			t.Fatalf("accepted %q", info.APIVersion)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\n\x1b") {
			t.Fatalf("error with control characters: %q", err)
		}
	})
}
