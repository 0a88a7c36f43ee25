package sso

import (
	"context"
	"testing"
	"time"
)

// BenchmarkTokenCached is the hot path: a fresh token read from the cache,
// no network.
func BenchmarkTokenCached(b *testing.B) {
	dir := b.TempDir()
	c, err := New(Options{CacheDir: dir, Getenv: env()})
	if err != nil {
		b.Fatal(err)
	}
	tok := &Token{Session: mySSO, StartURL: mySSO.StartURL, Region: mySSO.Region, AccessToken: "AT", ExpiresAt: time.Now().Add(8 * time.Hour),
		ClientID: "c", ClientSecret: "s", RefreshToken: "r", RegistrationExpiresAt: time.Now().Add(time.Hour)}
	if err := c.writeToken(tok); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Token(ctx, mySSO); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseTokenFile(b *testing.B) {
	data := []byte(cliTokenFile)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseTokenFile(data); err != nil {
			b.Fatal(err)
		}
	}
}
