// Package dbus is a minimal D-Bus client: enough to call methods on the
// session bus, written on raw unix sockets (golang.org/x/sys/unix) so that
// it does not link package net. The front end, assume, must not link net
// (start-up time, static builds; see internal/cli/deps_test.go) yet reads
// secrets from the Secret Service on its cached path.
//
// It owns:
//
//   - finding the session bus: DBUS_SESSION_BUS_ADDRESS (unix:path= and
//     unix:abstract= entries, %xx escapes, the first entry that connects of
//     a ";" list), else $XDG_RUNTIME_DIR/bus ([SessionAddresses],
//     [HasSessionBus]);
//   - connecting: SASL EXTERNAL with our uid, then Hello ([Dial],
//     [DialContext]);
//   - method calls and their replies or errors ([Conn.Call], [Error] keeps
//     the D-Bus error name); signals and stray replies that arrive while a
//     call waits are dropped;
//   - the wire format: little-endian marshalling (either byte order is
//     read) of y b n q i u x t d s o g v, arrays, structs and dicts, with
//     their alignment, and the message header ([SignatureOf], [Variant],
//     [Struct], [ObjectPath], [Signature]).
//
// Every call has a deadline, from its context or [DefaultTimeout]: the
// socket is non-blocking and waits use poll(2), so a bus that never answers
// yields an error wrapping [ErrTimeout], never a hang. A timeout or I/O
// error closes the connection (a half-read message cannot be
// resynchronised); callers dial again. Calls on one connection are
// serialised.
//
// Decoding is defensive: lengths are checked against the bytes present,
// signatures are validated before use and nesting is bounded, so a
// malformed message gives an error, never a panic (FuzzDecodeMessage).
//
// Not supported, as nothing here needs them: other transports (tcp,
// launchd, autolaunch), other SASL mechanisms, unix fd passing, serving
// method calls, signal subscriptions.
package dbus
