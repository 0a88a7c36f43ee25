package populate

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestPopulateRateLimited runs Populate in real time against a portal that
// allows 200 ListAccountRoles calls a second (a token bucket holding 20)
// and answers 429 above that: it must finish close to the 2s that 400
// calls need at that rate, with every failure retried away.
func TestPopulateRateLimited(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time test")
	}
	const (
		accounts = 400
		limit    = 200.0
	)
	var list []string
	for i := range accounts {
		list = append(list, fmt.Sprintf("%012d:acct-%d", 200000000000+i, i))
	}
	o := org([]string{"Admin", "ReadOnly", "Billing"}, list...)
	o.pageSize = 100 // all three roles on one page: one call an account
	o.bucket = newBucket(limit, 20)
	path := configFile(t, session)

	start := time.Now()
	sum, err := Populate(context.Background(), Options{ConfigPath: path, SSOSession: "corp", Lister: o})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("Populate: %v", err)
	}
	if len(sum.Added) != 3*accounts {
		t.Errorf("added %d profiles, want %d", len(sum.Added), 3*accounts)
	}
	ideal := time.Duration(accounts / limit * float64(time.Second))
	t.Logf("elapsed %v (%.2f× ideal), %+v", elapsed.Round(time.Millisecond), elapsed.Seconds()/ideal.Seconds(), sum.Stats)
	if elapsed > ideal*135/100 {
		t.Errorf("took %v, more than 1.35× the ideal %v", elapsed, ideal)
	}
}

// BenchmarkPopulate measures a whole run against an unlimited portal of
// 2,000 accounts with 3 roles each: listing, naming and writing the block.
func BenchmarkPopulate(b *testing.B) {
	var list []string
	for i := range 2000 {
		list = append(list, fmt.Sprintf("%012d:acct-%d", 300000000000+i, i))
	}
	o := org([]string{"Admin", "ReadOnly", "Billing"}, list...)
	o.pageSize = 100
	dir := b.TempDir()
	path := dir + "/config"
	for b.Loop() {
		if err := writeFile(path, session); err != nil {
			b.Fatal(err)
		}
		_, err := Populate(context.Background(), Options{ConfigPath: path, SSOSession: "corp", Lister: o,
			Limiter: LimiterConfig{InitialRate: 1e6, MaxRate: 1e6}})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApply measures computing the block for 6,000 profiles when
// nothing changed (the second run of populate).
func BenchmarkApply(b *testing.B) {
	var accounts []listedAccount
	for i := range 2000 {
		accounts = append(accounts, listedAccount{Account{fmt.Sprintf("%012d", 300000000000+i), fmt.Sprintf("acct-%d", i)},
			[]string{"Admin", "ReadOnly", "Billing"}})
	}
	s, err := (&Options{ConfigPath: "x", SSOSession: "corp", Lister: org(nil)}).validate()
	if err != nil {
		b.Fatal(err)
	}
	data, _, err := apply([]byte(session), accounts, s)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		out, _, err := apply(data, accounts, s)
		if err != nil || len(out) != len(data) {
			b.Fatal(err)
		}
	}
}
