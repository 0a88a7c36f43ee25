// Package keyring owns the choice and the plumbing of OS keychains behind
// the one small interface vault.Store: the macOS Keychain, the Windows
// Credential Manager, the Linux Secret Service (package secretservice),
// pass(1), and an encrypted file store for machines with none of these.
//
// # Backends
//
//	keychain        macOS Keychain, driven through /usr/bin/security (no cgo)
//	wincred         Windows Credential Manager (advapi32 Cred*W), generic credentials
//	secret-service  Secret Service over D-Bus: GNOME Keyring, KWallet, KeePassXC
//	pass            pass(1) and gpg
//	file            vault.FileStore with a passphrase-derived key
//
// Every item lives in our own namespace, the service (Options.Service,
// default "assume"), so other programs' items are never read, listed or
// removed:
//
//	keychain        generic password, service <service>, account <encoded key>
//	wincred         target "assume:<service>:<encoded key>"
//	secret-service  attributes service=<service>, key=<key>
//	pass            entry <service>/<encoded key> in $PASSWORD_STORE_DIR (~/.password-store)
//	file            $XDG_DATA_HOME/assume/keyring (~/.local/share/assume/keyring),
//	                a sub-folder <service> for services other than "assume"
//
// An encoded key keeps a-z, 0-9 and '-' and writes every other byte
// (upper-case letters and '_' included) as '_' and two lower-case hex
// digits, so that any string is a valid file name on case-insensitive file
// systems, pass entry, keychain account or credential target, and List can
// decode it back: "creds/Prod" is "creds_2f_50rod". pass splits encoded
// names longer than 120 characters into folders. keychain and pass store the
// base64 of the value (keychain behind a "b64:" prefix); wincred and
// secret-service store the bytes. wincred holds at most 2560 bytes per item.
//
// # Selection
//
// Auto picks, in this order:
//
//  1. the backend named by $ASSUME_KEYCHAIN, unless empty or "auto";
//  2. the one from the settings (Options.Backend), unless empty or "auto";
//  3. the first available backend of the platform's order:
//     macOS: keychain, pass, file;
//     Windows: wincred, file;
//     Linux and the BSDs: secret-service if a session bus is reachable
//     (DBUS_SESSION_BUS_ADDRESS, or $XDG_RUNTIME_DIR/bus), pass if the pass
//     command is installed and the store has a .gpg-id (`pass init` was
//     run), else file.
//
// A name that is not a backend is rejected with the list of valid names and
// the closest one. Checking availability never prompts or unlocks.
//
// # Time limits
//
// Every call is bounded by Options.Timeout (default 5 s): pass and security
// run with a deadline and are killed with their process group; wincred
// calls run under a watchdog; secret-service bounds each D-Bus call. A call
// that does not answer in time returns an error wrapping vault.ErrTimeout.
// External commands run without a terminal (a new session, stdin a pipe)
// and gpg with --pinentry-mode=error, so nothing waits for a password
// dialog. The file backend is not cut short: it does local I/O and one key
// derivation, and its passphrase prompt waits for the user.
//
// Secrets travel only through pipes and memory, never in a command's
// arguments or environment: pass reads them on stdin (`pass insert
// --multiline --force`) and prints them on stdout (`pass show`); security
// reads the whole add-generic-password command on stdin (`security -i`)
// and prints the secret on stdout (`find-generic-password -w`). keychain
// List parses `security dump-keychain`, which shows attributes only.
//
// # Errors
//
// Failures are *Error values naming the backend and the call, with a Hint
// saying what to do, and wrap one of:
//
//	vault.ErrNotFound     no such item (returned bare)
//	vault.ErrLocked       the keychain or key needs the user: a locked login keychain,
//	                      a GPG key whose passphrase gpg-agent has not cached,
//	                      an encrypted file store and no passphrase
//	vault.ErrUnavailable  the backend cannot work here: tool not installed, pass not
//	                      initialised, no D-Bus session, another platform's backend,
//	                      a new file store and no passphrase
//	vault.ErrTimeout      no answer within Options.Timeout
//	vault.ErrCorrupt      an item we cannot decode or authenticate
//	vault.ErrWrongPassphrase  the file store's passphrase does not match
//
// # Encrypted file format
//
// The file backend is vault.FileStore (one AES-256-GCM file per item; its
// package documentation describes the files) with a vault.PassphraseKey.
// The master key is derived with Argon2id (RFC 9106) from the passphrase,
// taken from $ASSUME_PASSPHRASE or else asked through Options.Prompt. The
// folder (0700) also holds passphrase.params (0600), JSON:
//
//	{
//	  "version": 1,
//	  "kdf": "argon2id",
//	  "time": 3,              // passes
//	  "memory_kib": 65536,    // 64 MiB
//	  "threads": 4,
//	  "salt": "<base64, 16 random bytes>",
//	  "check": "<base64, 32 bytes>"
//	}
//
// Argon2id(passphrase, salt, time, memory, threads) gives 64 bytes: the
// first 32 are the master key; check is HMAC-SHA256 keyed with the last 32
// over "assume passphrase check v1". A passphrase whose check differs is
// rejected with vault.ErrWrongPassphrase before any item is read or
// written. Parameters outside sane bounds (over 4 GiB or 100 passes) are
// rejected as corrupt. The header is created at the first use (hard-linked
// into place, so concurrent first uses agree on one salt).
package keyring
