package picker

import (
	"errors"
	"time"
)

// Item is one profile offered by the picker.
type Item struct {
	Profile     string
	Account     string // account id
	AccountName string
	Role        string // role name or permission set
	Region      string
	SSOSession  string
	Kind        string // e.g. "sso", "role", "static"; shown when Role is empty

	// SessionUntil is the expiry of a valid cached session; zero when
	// there is none.
	SessionUntil time.Time
}

// Action is what the user chose to do with the selected item.
type Action int

const (
	// Cancel means the user left the picker; nothing must change.
	Cancel Action = iota
	// Assume means assume the selected profile (Enter).
	Assume
	// Console means open the console for the selected profile (Ctrl-O).
	Console
)

// String returns the action's name.
func (a Action) String() string {
	switch a {
	case Assume:
		return "assume"
	case Console:
		return "console"
	default:
		return "cancel"
	}
}

// Result is the outcome of Run. Item is the zero Item when Action is Cancel.
type Result struct {
	Action Action
	Item   Item
}

// Options tune Run. The zero value is usable.
type Options struct {
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// History orders the items by frecency; nil means no history.
	History *History
	// NoColor turns colour and bold off (NO_COLOR in the environment does
	// too).
	NoColor bool
	// Order is "frecent" (default) or "alpha".
	Order string
	// Query is the initial query.
	Query string
}

// ErrNotTerminal is returned by Run when the input or the output is not a
// terminal able to show the picker.
var ErrNotTerminal = errors.New("no terminal to show the profile picker on: name a profile")

// ErrNoItems is returned by Run when there is nothing to pick from.
var ErrNoItems = errors.New("no profiles to pick from")

// ErrInterrupted is returned by Run when a signal (SIGINT, SIGTERM, SIGHUP)
// stopped the picker. The terminal has been restored.
var ErrInterrupted = errors.New("profile picker interrupted")
