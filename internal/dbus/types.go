package dbus

import (
	"errors"
	"fmt"
)

// ObjectPath is a D-Bus object path (type code "o").
type ObjectPath string

// Signature is a D-Bus type signature (type code "g").
type Signature string

// Variant is a value carried with its own signature (type code "v"). When
// encoding, an empty Sig is inferred from Value.
type Variant struct {
	Sig   Signature
	Value any
}

// MakeVariant wraps v in a Variant whose signature is inferred from v's Go
// type; it panics if v has no D-Bus equivalent (a programming error).
func MakeVariant(v any) Variant {
	sig, err := SignatureOf(v)
	if err != nil {
		panic(err)
	}
	return Variant{Sig: sig, Value: v}
}

// Struct is a D-Bus struct (type "(...)"): its fields in order. Decoded
// structs and dict entries' values come back as Struct.
type Struct []any

// Error is an error reply from the bus or a peer. Name keeps the D-Bus error
// name, such as "org.freedesktop.DBus.Error.ServiceUnknown".
type Error struct {
	Name    string
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "dbus: " + e.Name
	}
	return fmt.Sprintf("dbus: %s: %s", e.Name, e.Message)
}

// IsError reports whether err is (or wraps) a D-Bus error reply named name.
func IsError(err error, name string) bool {
	var e *Error
	return errors.As(err, &e) && e.Name == name
}

// Sentinel errors of the transport; callers branch on them with errors.Is.
var (
	// ErrNoBus reports that no session bus address is configured or that
	// its socket cannot be reached.
	ErrNoBus = errors.New("dbus: no session bus")
	// ErrTimeout reports a call (or the connection set-up) that did not
	// complete before its deadline. The connection is closed afterwards.
	ErrTimeout = errors.New("dbus: timed out")
	// ErrClosed reports use of a closed or broken connection.
	ErrClosed = errors.New("dbus: connection closed")
	// ErrAuth reports that the bus rejected our authentication.
	ErrAuth = errors.New("dbus: authentication rejected")
)

// formatError reports a malformed message or value.
type formatError string

func (e formatError) Error() string { return "dbus: malformed message: " + string(e) }

func errf(format string, args ...any) error { return formatError(fmt.Sprintf(format, args...)) }
