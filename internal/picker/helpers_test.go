package picker

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.Local)

// genItems makes n plausible profiles, deterministically.
func genItems(n int) []Item {
	r := rand.New(rand.NewPCG(1, 2))
	envs := []string{"prod", "staging", "dev", "sandbox", "qa", "shared", "audit", "logs"}
	teams := []string{"web", "data", "billing", "platform", "search", "ml", "payments", "identity", "edge"}
	roles := []string{"AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "Developer", "BillingViewer", "SecurityAudit"}
	regions := []string{"us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "us-west-2"}
	items := make([]Item, n)
	for i := range items {
		env, team, role := envs[r.IntN(len(envs))], teams[r.IntN(len(teams))], roles[r.IntN(len(roles))]
		acct := fmt.Sprintf("%012d", r.Int64N(1e12))
		it := Item{
			Profile:     fmt.Sprintf("%s-%s-%d/%s", team, env, i, role),
			Account:     acct,
			AccountName: team + "-" + env,
			Role:        role,
			Region:      regions[r.IntN(len(regions))],
			Kind:        "sso",
		}
		if i%3 == 0 {
			it.SSOSession = "corp-" + env
		}
		if i%7 == 0 {
			it.SessionUntil = testNow.Add(time.Duration(r.IntN(600)) * time.Minute)
		}
		items[i] = it
	}
	return items
}

func openNull(t *testing.T) (*os.File, error) {
	f, err := os.Open(os.DevNull)
	if err == nil {
		t.Cleanup(func() { f.Close() })
	}
	return f, err
}
