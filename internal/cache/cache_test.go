package cache

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/vault"
)

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func sample(exp time.Time) *Entry {
	return &Entry{
		AccessKeyID:     "ASIAEXAMPLE000001",
		SecretAccessKey: "secret-SHOULD-NOT-LEAK",
		SessionToken:    "token-SHOULD-NOT-LEAK",
		Expiration:      exp,
		ARN:             "arn:aws:sts::123456789012:assumed-role/Admin/alice",
		AccountID:       "123456789012",
		Source:          "assume_role",
	}
}

func TestCredentialsExpiry(t *testing.T) {
	tests := []struct {
		name string
		exp  time.Time
		hit  bool
	}{
		{"one hour left", t0.Add(time.Hour), true},
		{"just over margin", t0.Add(DefaultMargin + time.Second), true},
		{"exactly margin", t0.Add(DefaultMargin), false},
		{"within margin", t0.Add(time.Minute), false},
		{"expired", t0.Add(-time.Minute), false},
		{"never expires", time.Time{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(vault.NewMemory(), WithClock(func() time.Time { return t0 }))
			if err := c.PutCredentials("plan", sample(tc.exp)); err != nil {
				t.Fatal(err)
			}
			e, err := c.Credentials("plan")
			if (err == nil) != tc.hit {
				t.Fatalf("hit = %v (err %v), want %v", err == nil, err, tc.hit)
			}
			if err != nil {
				if !errors.Is(err, ErrMiss) {
					t.Fatalf("miss error %v does not wrap ErrMiss", err)
				}
				if strings.Contains(err.Error(), "LEAK") {
					t.Fatalf("miss reason leaks a secret: %v", err)
				}
				return
			}
			want := sample(tc.exp)
			if e.AccessKeyID != want.AccessKeyID || e.SecretAccessKey != want.SecretAccessKey ||
				e.SessionToken != want.SessionToken || !e.Expiration.Equal(want.Expiration) ||
				e.ARN != want.ARN || e.AccountID != want.AccountID || e.Source != want.Source {
				t.Fatalf("round trip changed the entry: %+v", e)
			}
			if !e.Created.Equal(t0) {
				t.Fatalf("Created = %v, want %v", e.Created, t0)
			}
		})
	}
}

func TestCustomMargin(t *testing.T) {
	c := New(vault.NewMemory(), WithClock(func() time.Time { return t0 }), WithMargin(0))
	c.PutCredentials("p", sample(t0.Add(time.Minute)))
	if _, err := c.Credentials("p"); err != nil {
		t.Fatalf("zero margin: %v", err)
	}
	if c.Margin() != 0 {
		t.Fatal("Margin() not reported")
	}
}

func TestMissKinds(t *testing.T) {
	dir := t.TempDir()
	store := vault.NewFileStore(dir, vault.StaticKey(make([]byte, vault.KeySize)))
	c := New(store, WithClock(func() time.Time { return t0 }))
	if _, err := c.Credentials("absent"); err != ErrMiss {
		t.Fatalf("absent: err = %v, want bare ErrMiss", err)
	}
	c.PutCredentials("tampered", sample(t0.Add(time.Hour)))
	p := filepath.Join(dir, vault.FileName("creds/tampered"))
	b, _ := os.ReadFile(p)
	b[len(b)-3] ^= 0xff
	os.WriteFile(p, b, 0o600)
	if _, err := c.Credentials("tampered"); !errors.Is(err, ErrMiss) || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("tampered: err = %v, want a miss saying corrupt", err)
	}
	store.Set("creds/oldversion", []byte(`{"v":0,"akid":"A","secret":"S"}`))
	if _, err := c.Credentials("oldversion"); !errors.Is(err, ErrMiss) {
		t.Fatalf("old version: %v", err)
	}
	store.Set("creds/nokeys", []byte(`{"v":1}`))
	if _, err := c.Credentials("nokeys"); !errors.Is(err, ErrMiss) {
		t.Fatalf("no keys: %v", err)
	}
}

func TestMFASessionAndIdentity(t *testing.T) {
	c := New(vault.NewMemory(), WithClock(func() time.Time { return t0 }))
	serial := "arn:aws:iam::123456789012:mfa/alice"
	if _, err := c.MFASession("AKIA1", serial); !errors.Is(err, ErrMiss) {
		t.Fatal("empty cache hit")
	}
	c.PutMFASession("AKIA1", serial, sample(t0.Add(12*time.Hour)))
	if _, err := c.MFASession("AKIA1", serial); err != nil {
		t.Fatal(err)
	}
	if _, err := c.MFASession("AKIA2", serial); err == nil {
		t.Fatal("session shared across access keys")
	}
	if _, err := c.MFASession("AKIA1", serial+"x"); err == nil {
		t.Fatal("session shared across MFA devices")
	}
	c.ForgetMFASession("AKIA1", serial)
	if _, err := c.MFASession("AKIA1", serial); err == nil {
		t.Fatal("forgotten session still cached")
	}
	if err := c.ForgetMFASession("AKIA1", serial); err != nil {
		t.Fatalf("forgetting twice: %v", err)
	}

	id := &Identity{ARN: "arn:aws:iam::123456789012:user/alice", AccountID: "123456789012", UserID: "AIDA1"}
	c.PutIdentity("AKIA1", id)
	got, err := c.Identity("AKIA1")
	if err != nil || *got != *id {
		t.Fatalf("Identity = %+v, %v", got, err)
	}
	if _, err := c.Identity("AKIA9"); !errors.Is(err, ErrMiss) {
		t.Fatal("unknown identity hit")
	}
}

func TestForget(t *testing.T) {
	c := New(vault.NewMemory(), WithClock(func() time.Time { return t0 }))
	c.PutCredentials("a", sample(t0.Add(time.Hour)))
	c.PutCredentials("b", sample(t0.Add(time.Hour)))
	c.PutMFASession("AKIA1", "s", sample(t0.Add(time.Hour)))
	c.PutIdentity("AKIA1", &Identity{ARN: "arn"})
	c.Store().Set("other/x", []byte("not ours"))
	if err := c.Forget("a"); err != nil {
		t.Fatal(err)
	}
	if err := c.Forget("a"); err != nil {
		t.Fatalf("second Forget: %v", err)
	}
	if keys, _ := c.Store().List(""); !slices.Equal(keys, []string{"creds/b", "id/AKIA1", "mfa/AKIA1/s", "other/x"}) {
		t.Fatalf("Forget left its entry or took another: %v", keys)
	}
}

func TestDecodeEntryErrorsDoNotQuoteInput(t *testing.T) {
	for _, in := range []string{`{"v":1,"akid":"A","secret":`, `not json LEAK`, `{"v":"LEAK"}`, `[]`} {
		if _, err := DecodeEntry([]byte(in)); err == nil || strings.Contains(err.Error(), "LEAK") {
			t.Fatalf("DecodeEntry(%q) = %v", in, err)
		}
	}
}

func FuzzDecodeEntry(f *testing.F) {
	good, _ := EncodeEntry(sample(t0))
	f.Add(good)
	f.Add([]byte(`{"v":1,"akid":"A","secret":"S","exp":"0001-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"v":2}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := DecodeEntry(b)
		if err != nil {
			return
		}
		if e.AccessKeyID == "" || e.SecretAccessKey == "" {
			t.Fatal("accepted an entry without keys")
		}
		again, err := EncodeEntry(e)
		if err != nil {
			t.Fatal(err)
		}
		e2, err := DecodeEntry(again)
		if err != nil || e2.AccessKeyID != e.AccessKeyID || !e2.Expiration.Equal(e.Expiration) {
			t.Fatalf("re-decode: %+v, %v", e2, err)
		}
	})
}

// BenchmarkCacheHit measures the hot path as one process pays it: open the
// default-style file store (key file not yet read), read one entry.
func BenchmarkCacheHit(b *testing.B) {
	root := b.TempDir()
	dir, keyFile := filepath.Join(root, "cache"), filepath.Join(root, "config", "cache.key")
	now := func() time.Time { return t0 }
	c := New(vault.NewFileStore(dir, vault.NewFileKey(keyFile)), WithClock(now))
	if err := c.PutCredentials("plan-key", sample(t0.Add(time.Hour))); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c := New(vault.NewFileStore(dir, vault.NewFileKey(keyFile)), WithClock(now))
		if _, err := c.Credentials("plan-key"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEKSToken(t *testing.T) {
	now := t0
	c := New(vault.NewMemory(), WithClock(func() time.Time { return now }))
	if _, err := c.EKSToken("k"); !errors.Is(err, ErrMiss) {
		t.Fatalf("empty cache: %v", err)
	}
	if err := c.PutEKSToken("k", &EKSToken{Token: "k8s-aws-v1.x", Expiration: t0.Add(14 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(12 * time.Minute)
	if tok, err := c.EKSToken("k"); err != nil || tok.Token != "k8s-aws-v1.x" || !tok.Created.Equal(t0) {
		t.Fatalf("live token: %+v, %v", tok, err)
	}
	now = t0.Add(13 * time.Minute)
	if _, err := c.EKSToken("k"); !errors.Is(err, ErrMiss) {
		t.Fatalf("token within the margin: %v", err)
	}
}
