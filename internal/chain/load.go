package chain

import "github.com/assume-cli/assume/internal/awsconfig"

// Load is the plan loader of both executables: it opens the config and
// credentials files that the environment names (awsconfig.Locate) and
// resolves profile. Errors are those of awsconfig.Open and Resolve.
func Load(getenv func(string) string, profile string) (*Plan, error) {
	cfgPath, credPath := awsconfig.Locate(getenv)
	files, err := awsconfig.Open(cfgPath, credPath)
	if err != nil {
		return nil, err
	}
	return Resolve(files, profile)
}
