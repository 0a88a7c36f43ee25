package chain

import (
	"fmt"

	"github.com/assume-cli/assume/internal/awsconfig"
)

// AdHocSSO is the plan of `assume --sso ...`: one IAM Identity Center role
// given on the command line instead of in a profile. Its Profile is empty
// (nothing to export as AWS_PROFILE); its token is cached under the start
// URL, as for a legacy profile.
func AdHocSSO(startURL, region, accountID, roleName string) (*Plan, error) {
	for _, f := range []struct{ flag, v string }{
		{"--sso-start-url", startURL}, {"--sso-region", region}, {"--account-id", accountID}, {"--role-name", roleName},
	} {
		if f.v == "" {
			return nil, &ConfigError{Key: f.flag, Msg: "--sso needs " + f.flag}
		}
	}
	if !IsAccountID(accountID) {
		return nil, &ConfigError{Key: "--account-id", Msg: fmt.Sprintf("--account-id %q is not a 12-digit AWS account id", accountID)}
	}
	flag := func(s string) awsconfig.Value { return awsconfig.Value{Text: s, Set: true} }
	return &Plan{
		Region: flag(region),
		Steps: []Step{{
			Kind:         KindSSO,
			SSOStartURL:  flag(startURL),
			SSORegion:    flag(region),
			SSOAccountID: flag(accountID),
			SSORoleName:  flag(roleName),
		}},
	}, nil
}

// IsAccountID reports whether s is an AWS account id: 12 digits. Only such
// a value is exported as AWS_ACCOUNT_ID or AccountId.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
