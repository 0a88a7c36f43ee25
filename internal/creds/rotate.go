package creds

// Rotating an IAM user's long-term access key (`assume creds rotate`):
// create a new key through IAM, verify it, store it, delete the old one,
// so that a failure at any step leaves the user with a working, stored key.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/chain"
)

// Steps of a rotation named by RotateError.Step.
const (
	stepVerify = "verifying the new key"
	stepStore  = "storing the new key"
)

// DefaultVerifyTimeout bounds the wait for a new access key to work: IAM is
// eventually consistent, and a key may be refused for a few seconds after
// CreateAccessKey returned it.
const DefaultVerifyTimeout = 20 * time.Second

// RotateOptions shape RotateAccessKey. The embedded Options give the
// region, timeout, retries, HTTP client, debug trace and STS endpoint, as
// for Get.
type RotateOptions struct {
	Options
	// Profile names the keys in messages and in the commands they suggest;
	// empty when the keys are not a profile's.
	Profile string
	// IAMEndpoint overrides the IAM endpoint URL (e.g. the emulator). Empty
	// leaves it to the SDK, which honours AWS_ENDPOINT_URL_IAM and
	// AWS_ENDPOINT_URL.
	IAMEndpoint string
	// VerifyTimeout bounds the wait for the new key to work; zero means
	// DefaultVerifyTimeout.
	VerifyTimeout time.Duration
	// VerifyBackoff is the pause after the n-th failed verification (n
	// from 1); nil means 500ms doubling up to 4s.
	VerifyBackoff func(n int) time.Duration
}

// RotateResult is what RotateAccessKey did. It holds no secret: the new key
// pair went to the store function.
type RotateResult struct {
	UserARN string // the IAM user owning both keys
	// NewAccessKeyID is the key now stored, verified to work.
	NewAccessKeyID string
	// OldAccessKeyID is the key that was rotated out.
	OldAccessKeyID string
	// DeletedAccessKeyID is OldAccessKeyID once deleted; empty when the
	// deletion failed (see Warning).
	DeletedAccessKeyID string
	// Warning, when not empty, says what is left to do by hand: the old key
	// could not be deleted and is still active. The rotation itself
	// succeeded.
	Warning string
}

// KeyLimitError reports that the user already has IAM's maximum of two
// access keys, so no new one can be created. Nothing was changed.
type KeyLimitError struct {
	Profile  string
	UserName string
	Current  string   // the key being rotated
	Others   []string // the user's other keys, "AKIA… (Inactive)" style
	OtherIDs []string
}

func (e *KeyLimitError) Error() string {
	s := fmt.Sprintf("IAM user %s already has two access keys (%s and %s), the most IAM allows", e.UserName, e.Current, strings.Join(e.Others, ", "))
	if e.Profile != "" {
		s = fmt.Sprintf("cannot rotate the access key of profile %q: %s", e.Profile, s)
	}
	return s
}

// Hint implements Hinter.
func (e *KeyLimitError) Hint() string {
	if len(e.OtherIDs) == 0 {
		return ""
	}
	return "delete the key you no longer use, e.g. with: aws iam delete-access-key --access-key-id " + e.OtherIDs[0] +
		profileFlag(e.Profile) + "; then rotate again"
}

// RotateError reports a rotation that failed after the new key was
// created. The old key is still the stored one and still works; the new key
// was deleted again unless NewKeyLeft is set.
type RotateError struct {
	Profile     string
	Step        string // "verifying the new key", "storing the new key"
	OldKeyID    string
	NewKeyID    string
	NewKeyLeft  bool   // deleting the new key failed too: it still exists
	CleanupErr  string // why deleting the new key failed, one line
	Err         error
	scrubbedMsg string
}

func (e *RotateError) Error() string {
	who := "access key " + e.OldKeyID
	if e.Profile != "" {
		who = fmt.Sprintf("the access key of profile %q (%s)", e.Profile, e.OldKeyID)
	}
	s := fmt.Sprintf("rotating %s: %s %s failed: %s", who, e.Step, e.NewKeyID, e.scrubbedMsg)
	if e.NewKeyLeft {
		return s + fmt.Sprintf("; the old key is unchanged, but the new key %s could not be deleted again (%s)", e.NewKeyID, e.CleanupErr)
	}
	return s + "; the new key was deleted again and the old key is unchanged"
}

// Unwrap returns the error of the failed step.
func (e *RotateError) Unwrap() error { return e.Err }

// Hint implements Hinter.
func (e *RotateError) Hint() string {
	switch {
	case e.NewKeyLeft:
		return "delete the unused new key with: aws iam delete-access-key --access-key-id " + e.NewKeyID + profileFlag(e.Profile)
	case e.Step == stepVerify:
		return "nothing changed; IAM can take a while to accept a new key: try again in a minute"
	}
	if h := HintOf(e.Err); h != "" {
		return h
	}
	return "nothing changed; fix the problem and rotate again"
}

func profileFlag(p string) string {
	if p == "" {
		return ""
	}
	return " --profile " + p
}

// RotateAccessKey replaces the long-term access key old of an IAM user by a
// new one: it creates the new key through IAM (signed with old), verifies
// with sts:GetCallerIdentity that it works and belongs to the same user
// (waiting up to VerifyTimeout for IAM's eventual consistency), hands it to
// store, then deletes old with the new key, which proves the new key works
// for IAM too.
//
// A failure at any step leaves a working, stored key:
//   - before anything is created (old rejected, already two keys: a
//     *KeyLimitError), nothing changes;
//   - when verifying or storing the new key fails, the new key is deleted
//     again (with old) and a *RotateError is returned;
//   - when deleting old fails, the rotation still succeeds: the result
//     carries a Warning naming the old key and the command to delete it.
//
// No secret appears in errors, warnings or the debug trace.
func RotateAccessKey(ctx context.Context, old Credentials, store func(Credentials) error, opts RotateOptions) (*RotateResult, error) {
	if store == nil {
		return nil, errors.New("rotating an access key: no store function")
	}
	if old.AccessKeyID == "" || old.SecretAccessKey == "" {
		return nil, errors.New("rotating an access key: the access key id or secret is empty")
	}
	if old.SessionToken != "" {
		return nil, fmt.Errorf("cannot rotate %s: these are temporary session credentials; only an IAM user's long-term access key can be rotated", old.AccessKeyID)
	}
	opts.fill()
	if opts.VerifyTimeout <= 0 {
		opts.VerifyTimeout = DefaultVerifyTimeout
	}
	if opts.VerifyBackoff == nil {
		opts.VerifyBackoff = func(n int) time.Duration {
			return min(500*time.Millisecond<<min(n-1, 4), 4*time.Second)
		}
	}
	r := newRunner(ctx, &chain.Plan{Profile: opts.Profile}, opts.Options, newDebug(opts.Debug))
	r.dbg.Secret(old.SecretAccessKey)
	if err := r.ensureSDK(); err != nil {
		return nil, err
	}
	rot := &rotation{r: r, o: &opts, old: old}
	return rot.run(store)
}

// rotation is one run of RotateAccessKey.
type rotation struct {
	r   *runner
	o   *RotateOptions
	old Credentials
	new Credentials
	arn string
}

func (rot *rotation) ec(c *Credentials, op string) errContext {
	return errContext{op: op, profile: rot.o.Profile, callerProfile: rot.o.Profile, callerKeyID: c.AccessKeyID, caller: c.AccessKeyID}
}

func (rot *rotation) run(store func(Credentials) error) (*RotateResult, error) {
	r, old := rot.r, &rot.old
	arn, _, _, err := r.callerIdentity(old, rot.ec(old, "GetCallerIdentity"))
	if err != nil {
		return nil, err
	}
	if !isUserARN(arn) {
		return nil, fmt.Errorf("cannot rotate access key %s: it belongs to %s, not to an IAM user", old.AccessKeyID, arn)
	}
	rot.arn = arn
	user := arn[strings.LastIndex(arn, "/")+1:]

	// 1. Room for a second key?
	var list *iam.ListAccessKeysOutput
	err = rot.iamCall(old, "ListAccessKeys", func(ctx context.Context, c *iam.Client) (err error) {
		list, err = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(list.AccessKeyMetadata) >= 2 {
		e := &KeyLimitError{Profile: rot.o.Profile, UserName: user, Current: old.AccessKeyID}
		for _, k := range list.AccessKeyMetadata {
			id := aws.ToString(k.AccessKeyId)
			if id == old.AccessKeyID {
				continue
			}
			e.OtherIDs = append(e.OtherIDs, id)
			e.Others = append(e.Others, fmt.Sprintf("%s (%s)", id, k.Status))
		}
		return nil, e
	}

	// 2. Create the new key.
	var created *iam.CreateAccessKeyOutput
	err = rot.iamCall(old, "CreateAccessKey", func(ctx context.Context, c *iam.Client) (err error) {
		created, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
		return err
	})
	if err != nil {
		return nil, err
	}
	rot.new = Credentials{AccessKeyID: aws.ToString(created.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(created.AccessKey.SecretAccessKey)}
	r.dbg.Secret(rot.new.SecretAccessKey)
	if rot.new.AccessKeyID == "" || rot.new.SecretAccessKey == "" {
		return nil, rot.undo("reading the new key", errors.New("CreateAccessKey returned no key"), nil)
	}
	r.dbg.Printf("created access key %s for %s", rot.new.AccessKeyID, arn)

	// 3. Verify it.
	if err := rot.verify(); err != nil {
		return nil, rot.undo(stepVerify, err, nil)
	}

	// 4. Store it.
	if err := store(rot.new); err != nil {
		return nil, rot.undo(stepStore, err, []string{rot.new.SecretAccessKey, old.SecretAccessKey})
	}
	r.dbg.Printf("stored access key %s", rot.new.AccessKeyID)

	// 5. Delete the old key with the new one.
	res := &RotateResult{UserARN: arn, NewAccessKeyID: rot.new.AccessKeyID, OldAccessKeyID: old.AccessKeyID}
	if err := rot.deleteOld(); err != nil {
		res.Warning = fmt.Sprintf("the new key %s is stored and works, but deleting the old key %s failed (%s), so it is still active; delete it with: aws iam delete-access-key --access-key-id %s%s",
			rot.new.AccessKeyID, old.AccessKeyID, awssdk.Scrub(oneLine(err.Error()), rot.secrets()), old.AccessKeyID, profileFlag(rot.o.Profile))
		r.dbg.Printf("%s", res.Warning)
		return res, nil
	}
	res.DeletedAccessKeyID = old.AccessKeyID
	r.dbg.Printf("deleted access key %s", old.AccessKeyID)
	return res, nil
}

func (rot *rotation) secrets() []string {
	return []string{rot.old.SecretAccessKey, rot.new.SecretAccessKey}
}

// isUserARN reports whether arn is an IAM user's, arn:PARTITION:iam::ACCOUNT:user/….
func isUserARN(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && parts[2] == "iam" && strings.HasPrefix(parts[5], "user/")
}

// iamCall runs one IAM operation signed with c, bounded by the timeout, and
// turns its error into one of ours.
func (rot *rotation) iamCall(c *Credentials, op string, call func(context.Context, *iam.Client) error) error {
	r := rot.r
	rec := &callRecord{}
	client := iam.NewFromConfig(r.sdk.cfg, func(o *iam.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
		if rot.o.IAMEndpoint != "" {
			o.BaseEndpoint = aws.String(rot.o.IAMEndpoint)
		}
		o.APIOptions = append(o.APIOptions, rec.middleware)
	})
	ctx, cancel := context.WithTimeout(r.ctx, r.sdk.timeout)
	defer cancel()
	err := call(ctx, client)
	if err == nil {
		r.dbg.Printf("%s via %s with %s (%d attempt(s))", op, rec.endpoint, c.AccessKeyID, rec.attempts)
		return nil
	}
	if rec.endpoint == "" {
		rec.endpoint = "IAM"
	}
	err = r.classify(err, rec, rot.ec(c, op), r.ctx)
	var ne *NetworkError
	if errors.As(err, &ne) {
		ne.Service = "IAM"
	}
	return err
}

// verify waits until the new key signs a GetCallerIdentity call that names
// the same user, for at most VerifyTimeout.
func (rot *rotation) verify() error {
	r := rot.r
	deadline := time.Now().Add(rot.o.VerifyTimeout)
	for n := 1; ; n++ {
		arn, _, _, err := r.callerIdentity(&rot.new, rot.ec(&rot.new, "GetCallerIdentity"))
		if err == nil {
			if arn != rot.arn {
				return fmt.Errorf("the new key belongs to %s, not to %s", arn, rot.arn)
			}
			r.dbg.Printf("the new key %s works (attempt %d)", rot.new.AccessKeyID, n)
			return nil
		}
		if !notYetValid(err) {
			return err
		}
		pause := rot.o.VerifyBackoff(n)
		if time.Now().Add(pause).After(deadline) {
			return fmt.Errorf("still refused after %s: %w", rot.o.VerifyTimeout, err)
		}
		r.dbg.Printf("the new key %s is not accepted yet (attempt %d), waiting %s", rot.new.AccessKeyID, n, pause)
		if err := pauseCtx(r.ctx, pause); err != nil {
			return err
		}
	}
}

// notYetValid reports errors a freshly created key gets until IAM's change
// has propagated.
func notYetValid(err error) bool {
	var ic *InvalidCredentialsError
	return errors.As(err, &ic) && !ic.ClockSkew
}

func pauseCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// deleteOld deletes the old key with the new one, retrying briefly while
// IAM does not accept the new key yet.
func (rot *rotation) deleteOld() error {
	deadline := time.Now().Add(rot.o.VerifyTimeout)
	for n := 1; ; n++ {
		err := rot.iamCall(&rot.new, "DeleteAccessKey", func(ctx context.Context, c *iam.Client) error {
			_, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(rot.old.AccessKeyID)})
			return err
		})
		if err == nil || !notYetValid(err) {
			return err
		}
		pause := rot.o.VerifyBackoff(n)
		if time.Now().Add(pause).After(deadline) {
			return err
		}
		if err := pauseCtx(rot.r.ctx, pause); err != nil {
			return err
		}
	}
}

// undo deletes the new key with the old one after step failed with err,
// and returns the *RotateError to report. secrets are scrubbed from err's
// message (the store function's error is not ours).
func (rot *rotation) undo(step string, err error, secrets []string) error {
	e := &RotateError{Profile: rot.o.Profile, Step: step, OldKeyID: rot.old.AccessKeyID, NewKeyID: rot.new.AccessKeyID, Err: err}
	e.scrubbedMsg = awssdk.Scrub(err.Error(), append(secrets, rot.secrets()...))
	if rot.new.AccessKeyID == "" {
		return e
	}
	derr := rot.iamCall(&rot.old, "DeleteAccessKey", func(ctx context.Context, c *iam.Client) error {
		_, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(rot.new.AccessKeyID)})
		return err
	})
	if derr != nil && !isCode(derr, "NoSuchEntity") {
		e.NewKeyLeft = true
		e.CleanupErr = awssdk.Scrub(oneLine(derr.Error()), rot.secrets())
	}
	rot.r.dbg.Printf("%s failed; new key %s deleted again: %v", step, rot.new.AccessKeyID, !e.NewKeyLeft)
	return e
}

// isCode reports whether err is, or was classified from, an AWS error with
// this code.
func isCode(err error, code string) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code == code
	}
	var se smithy.APIError
	return errors.As(err, &se) && se.ErrorCode() == code
}
