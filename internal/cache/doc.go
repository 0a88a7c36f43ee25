// Package cache owns the cached results that let `assume` skip AWS: session
// credentials per plan, MFA sessions per (access key, MFA device), and the
// caller identity per access key id. Entries are kept in a vault.Store, so
// they are encrypted at rest; this package decides what is still usable.
//
// A credential entry is reused until Margin (default 5 minutes) before it
// expires. The margin exists because the credentials are handed to a shell or
// a child process that will go on using them: a command started with
// credentials that expire a minute later would fail halfway. Five minutes
// matches the window in which the AWS SDKs themselves start refreshing
// credentials, and it is well below the shortest STS session (15 minutes),
// so even the shortest sessions are reused for most of their life.
//
// Reading a cached entry is the hot path of the whole program: one small file
// read, the master key read, one decryption and one small JSON decode —
// nothing else, and no network.
package cache
