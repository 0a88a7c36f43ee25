//go:build linux

package secretservice

import (
	"errors"
	"fmt"

	"github.com/assume-cli/assume/internal/dbus"
	"github.com/assume-cli/assume/internal/vault"
)

// locked is a condition that needs the user to unlock the keyring.
type locked struct{ why string }

func (e locked) Error() string { return e.why }

// unavailable is a condition that makes the backend unusable here.
type unavailable struct{ why, hint string }

func (e unavailable) Error() string { return e.why }

// Error is a failed operation. It wraps one of the vault errors (Kind) and
// the underlying cause; Hint says what the user can do. It
// never holds a secret: keys are names, values never appear.
type Error struct {
	Op   string // "open", "get", "set", "delete", "list"
	Key  string // the key, or the prefix for list, or ""
	Kind error  // vault.ErrLocked, vault.ErrUnavailable, vault.ErrTimeout, or nil
	Err  error
	hint string
}

func (e *Error) Error() string {
	msg := "secret service: " + e.Op
	if e.Key != "" {
		msg += fmt.Sprintf(" %q", e.Key)
	}
	if e.Kind != nil {
		msg += ": " + e.Kind.Error()
	}
	msg += ": " + e.Err.Error()
	if e.hint != "" {
		msg += " (hint: " + e.hint + ")"
	}
	return msg
}

// Unwrap returns the vault error and the cause.
func (e *Error) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.Err}
	}
	return []error{e.Kind, e.Err}
}

// Hint returns what the user can do about the error, or "".
func (e *Error) Hint() string { return e.hint }

// wrap adds the operation and maps err onto the vault sentinels, with a
// hint for the user where one helps.
func wrap(op, key string, err error) error {
	e := &Error{Op: op, Key: key, Err: err}
	var (
		de *dbus.Error
		lk locked
		un unavailable
	)
	switch {
	case errors.Is(err, vault.ErrNotFound), errors.Is(err, vault.ErrEmptyKey):
	case errors.As(err, &lk):
		e.Kind, e.hint = vault.ErrLocked, hintLocked
	case errors.As(err, &un):
		e.Kind, e.hint = vault.ErrUnavailable, un.hint
	case errors.Is(err, dbus.ErrTimeout):
		e.Kind = vault.ErrTimeout
	case errors.Is(err, dbus.ErrNoBus), errors.Is(err, dbus.ErrClosed), errors.Is(err, dbus.ErrAuth):
		e.Kind = vault.ErrUnavailable
	case errors.As(err, &de):
		switch de.Name {
		case errIsLocked:
			e.Kind, e.hint = vault.ErrLocked, hintLocked
		case dbusErrPrefix + "ServiceUnknown", dbusErrPrefix + "NameHasNoOwner",
			dbusErrPrefix + "Spawn.ServiceNotFound", dbusErrPrefix + "Spawn.ExecFailed",
			dbusErrPrefix + "Spawn.ChildExited":
			e.Kind, e.hint = vault.ErrUnavailable, hintNoSvc
		case dbusErrPrefix + "NoReply", dbusErrPrefix + "Timeout", dbusErrPrefix + "TimedOut":
			e.Kind = vault.ErrTimeout
		case errNoSuchObj, dbusErrPrefix + "UnknownObject", dbusErrPrefix + "UnknownMethod":
			e.Kind, e.hint = vault.ErrUnavailable, hintNoColl
		}
	}
	return e
}
