// Package keyringtest is the behaviour suite every keychain backend must
// pass: set, get, overwrite, list by prefix, delete, missing items, binary
// and long values, keys with odd characters, concurrent writers and, when
// the backend can be locked, a locked store that fails fast with
// vault.ErrLocked instead of hanging.
//
// A backend's test calls [Run] with a function that opens a fresh, empty,
// isolated store:
//
//	keyringtest.Run(t, func(t *testing.T) vault.Store { return openMine(t) },
//		keyringtest.WithLock(lockMine))
package keyringtest
