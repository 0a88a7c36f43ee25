package awsemu

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestParseJWT(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	signed, err := MakeJWT(map[string]any{"iss": "https://i", "sub": "s", "aud": []string{"a", "b"}, "exp": 1.5e9, "nbf": 1, "iat": 2}, "k")
	if err != nil {
		t.Fatal(err)
	}
	unsigned, err := MakeJWT(map[string]any{"iss": "https://i", "aud": "a", "exp": 2000000000}, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		tok   string
		err   string
		check func(t *testing.T, j *jwt)
	}{
		{"hs256", signed, "", func(t *testing.T, j *jwt) {
			if j.Alg != "HS256" || j.Claims.Iss != "https://i" || len(j.Claims.Aud) != 2 || !j.Claims.Exp.Equal(time.Unix(1.5e9, 0)) {
				t.Errorf("claims %+v", j.Claims)
			}
			if !j.verifyHS256("k") || j.verifyHS256("other") {
				t.Error("HS256 verification wrong")
			}
		}},
		{"unsigned", unsigned, "", func(t *testing.T, j *jwt) {
			if j.Alg != "none" || len(j.Claims.Aud) != 1 || j.Claims.Aud[0] != "a" || j.verifyHS256("k") {
				t.Errorf("claims %+v", j.Claims)
			}
		}},
		{"padded parts", enc([]byte(`{"alg":"none"}`)) + "==." + enc([]byte(`{"iss":"x"}`)) + ".", "", nil},
		{"two parts", "a.b", "three dot-separated parts", nil},
		{"bad base64", "!!.e30.", "header: not base64url", nil},
		{"header not object", enc([]byte(`[]`)) + ".e30.", "header is not a JSON object", nil},
		{"no alg", enc([]byte(`{}`)) + ".e30.", "no alg", nil},
		{"aud of numbers", enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{"aud":[1]}`)) + ".", "aud must be", nil},
		{"exp a string", enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{"exp":"soon"}`)) + ".", "time claims must be numbers", nil},
		{"exp absurd", enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{"exp":1e300}`)) + ".", "out of range", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := parseJWT(tt.tok)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want error containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, j)
			}
		})
	}
}

func FuzzParseJWT(f *testing.F) {
	tok, _ := MakeJWT(map[string]any{"iss": "https://oidc.example.test", "aud": "sts.amazonaws.com", "exp": 2000000000}, "s")
	f.Add(tok)
	f.Add("e30.e30.")
	f.Add("..")
	f.Add("eyJhbGciOiJub25lIn0.eyJhdWQiOlsiYSIsMV19.")
	f.Fuzz(func(t *testing.T, s string) {
		j, err := parseJWT(s)
		if err != nil {
			return
		}
		if j.Alg == "" {
			t.Fatal("accepted a token without alg")
		}
		_ = j.verifyHS256("s")
	})
}
