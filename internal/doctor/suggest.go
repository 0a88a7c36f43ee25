package doctor

import (
	"errors"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/chain"
)

// suggest returns chain's "did you mean" line for a missing profile name,
// or "".
func suggest(set *awsconfig.ProfileSet, name string) string {
	var nf *chain.NotFoundError
	if _, err := chain.Resolve(set, name); errors.As(err, &nf) {
		return nf.Hint()
	}
	return ""
}
