// Package vault owns secret storage behind one small interface, [Store]: get,
// set, delete and list opaque byte values by string key. Callers (the cache)
// never see how or where a value is kept.
//
// The persistent backend here is the encrypted file store ([FileStore]),
// plus an in-memory store ([Memory]) for tests. Its master key comes from a
// pluggable [KeySource]: a key file ([FileKey], the session cache) or a
// passphrase through Argon2id ([PassphraseKey], the "file" keychain). The OS
// keychains implement the same interface in package keyring.
//
// # File store format
//
// A folder (mode 0700) holds one file (mode 0600) per key. The file name is
// the lower-case hex SHA-256 of the key, so names reveal nothing about the
// profiles or roles they belong to. Each file is:
//
//	bytes 0-3    magic "asv1" (format version 1)
//	bytes 4-15   12-byte random nonce
//	bytes 16-    AES-256-GCM ciphertext of the record, with its 16-byte tag
//
// The record (plaintext) is uvarint(len(key)) || key || value: the key is
// stored inside the ciphertext so that [FileStore.List] can recover names
// without revealing them on disk (it decrypts the record's head, then
// authenticates the whole file under that name before trusting it). The GCM
// additional data is the key itself,
// so a file copied or renamed onto another key's name fails to open. A file
// that is truncated, altered, written under another master key or not ours
// at all yields an error wrapping [ErrCorrupt]; callers such as the cache
// treat that as a miss and overwrite it.
//
// Writes go to a temporary file in the same folder, are synced, then renamed
// over the target, so readers see the old or the new value, never a mix.
//
// # Master key
//
// [FileKey] keeps the 32-byte master key in its own file (mode 0600, folder
// 0700), by default $XDG_CONFIG_HOME/assume/cache.key, as 64 lower-case hex
// digits and a newline. It is created on first use: the new key is written
// to a temporary file and hard-linked to the final name, which fails if the
// name exists, so when two processes race exactly one key wins and both use
// it. Keeping the key outside the cache folder keeps secrets out of backups
// of that folder; a process running as the same user can still read both.
package vault
