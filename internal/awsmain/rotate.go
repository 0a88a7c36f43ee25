package awsmain

import (
	"context"
	"fmt"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/creds"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/secretstore"
	"github.com/assume-cli/assume/internal/term"
)

// rotate replaces the access key of a profile whose keys live in the
// keychain: a new key through IAM, stored, verified, then the old one
// deleted (creds.RotateAccessKey keeps a working key at every step).
func rotate(ctx context.Context, s *term.Streams, req *awsproc.RotateRequest) (*awsproc.RotateResponse, error) {
	plan, err := chain.Load(s.Getenv, req.Profile)
	if err != nil {
		return nil, err
	}
	if len(plan.Steps) != 1 || plan.Steps[0].Kind != chain.KindStored {
		return nil, withExit(exitcode.Config, fmt.Errorf("profile %s does not take its keys from the keychain; only keys stored with assume creds add/import are rotated", req.Profile))
	}
	o := secretstore.Options{Getenv: s.Getenv}
	if req.Prompt && s.CanPrompt() {
		o.Prompt = func(label string) (string, error) { return s.Prompt(label, true) }
	}
	_, st, err := secretstore.Keychain(o)
	if err != nil {
		return nil, err
	}
	old, err := secretstore.GetUserKeys(st, req.Profile)
	if err != nil {
		return nil, withExit(exitcode.Config, fmt.Errorf("profile %s: %w", req.Profile, err))
	}
	res, err := creds.RotateAccessKey(ctx,
		creds.Credentials{AccessKeyID: old.AccessKeyID, SecretAccessKey: old.SecretAccessKey},
		func(c creds.Credentials) error {
			return secretstore.PutUserKeys(st, req.Profile, secretstore.UserKeys{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey})
		},
		creds.RotateOptions{Options: options(ctx, s, call{Region: req.Region, Debug: req.Debug, Prompt: req.Prompt}), Profile: req.Profile})
	if err != nil {
		return nil, err
	}
	return &awsproc.RotateResponse{
		UserARN: res.UserARN, NewAccessKeyID: res.NewAccessKeyID, OldAccessKeyID: res.OldAccessKeyID, Warning: res.Warning,
	}, nil
}
