package awsemu

import (
	"strings"
	"testing"
	"time"
)

// RFC 6238 appendix B (SHA-1 rows); AWS uses the low 6 of the 8 digits.
func TestTOTPRFC6238Vectors(t *testing.T) {
	const seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // base32 of "12345678901234567890"
	tests := []struct {
		unix int64
		want string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
		{20000000000, "353130"},
	}
	for _, tt := range tests {
		got, err := TOTP(seed, time.Unix(tt.unix, 0))
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("TOTP at %d = %s, want %s", tt.unix, got, tt.want)
		}
	}
}

func TestTOTPSeedForms(t *testing.T) {
	at := time.Unix(1111111109, 0)
	want, _ := TOTP("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", at)
	for _, seed := range []string{
		"gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
		"GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====",
	} {
		got, err := TOTP(seed, at)
		if err != nil || got != want {
			t.Errorf("TOTP(%q) = %q, %v; want %q", seed, got, err, want)
		}
	}
	for _, bad := range []string{"", "   ", "not-base32!", "1"} {
		if _, err := TOTP(bad, at); err == nil {
			t.Errorf("TOTP(%q) accepted", bad)
		} else if strings.Contains(err.Error(), bad) && bad != "" && strings.TrimSpace(bad) != "" {
			t.Errorf("error %q echoes the seed", err)
		}
	}
}

func TestCheckTOTPWindow(t *testing.T) {
	key, err := decodeSeed(aliceSeed)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_015, 0)
	tests := []struct {
		name   string
		offset time.Duration
		ok     bool
	}{
		{"previous step", -30 * time.Second, true},
		{"current step", 0, true},
		{"next step", 30 * time.Second, true},
		{"two steps back", -60 * time.Second, false},
		{"two steps ahead", 60 * time.Second, false},
	}
	for _, tt := range tests {
		code := totpAt(key, now.Add(tt.offset).Unix()/totpStep)
		if got := checkTOTP(key, code, now); got != tt.ok {
			t.Errorf("%s: checkTOTP = %v, want %v", tt.name, got, tt.ok)
		}
	}
	if checkTOTP(key, "12345", now) || checkTOTP(key, "", now) {
		t.Error("accepted a code of the wrong length")
	}
}

func FuzzTOTP(f *testing.F) {
	f.Add("JBSWY3DPEHPK3PXP", int64(0))
	f.Add("gezd gnbv====", int64(1<<40))
	f.Add("", int64(-5))
	f.Add("8888", int64(59))
	f.Fuzz(func(t *testing.T, seed string, unix int64) {
		code, err := TOTP(seed, time.Unix(unix, 0))
		if err != nil {
			return
		}
		if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
			t.Fatalf("code %q", code)
		}
		key, _ := decodeSeed(seed)
		if !checkTOTP(key, code, time.Unix(unix, 0)) {
			t.Fatal("own code rejected")
		}
	})
}
