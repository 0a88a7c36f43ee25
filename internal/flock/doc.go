// Package flock owns cross-process single-flight locks: one lock file per
// resource, held by at most one process (and one goroutine) at a time, so
// that concurrent runs of `assume` for the same profile make one AWS call
// instead of several.
//
// How each platform takes the lock, and how a lock whose holder died is
// recovered:
//
//   - Unix (linux, darwin, the BSDs, solaris): flock(2) on the lock file. The
//     kernel drops the lock when the last descriptor of the holder closes,
//     which also happens when the holder dies, even by SIGKILL. That is the
//     whole stale-lock recovery: there is nothing to detect or clean up.
//   - Windows: LockFileEx on the lock file. Windows releases the lock when
//     the holder's handle closes or the process ends, killed or not.
//   - Everything else (aix, plan9, js, wasip1): the lock is the existence of
//     the file, created with O_EXCL. The holder writes its PID and a random
//     nonce into it and refreshes its modification time every 2 seconds; a
//     file not refreshed for 10 seconds is stale and is taken over. A holder
//     that dies therefore blocks waiters for at most about 10 seconds. Two
//     waiters that break the same stale file at the same instant could, in a
//     window of a few system calls, both believe they hold the lock; a
//     holder frozen for more than 10 seconds loses its lock. Both are
//     acceptable for these platforms, which we do not ship binaries for.
//
// Lock files are created 0600 in a folder created 0700 and are never
// removed on Unix and Windows: removing one while another process waits on
// it would let two processes lock two different files of the same name.
// Locks are advisory: they only exclude other users of this package (or of
// flock/LockFileEx on the same file).
//
// Lock waits by polling with a growing, jittered delay (1 ms up to 50 ms)
// rather than blocking in the kernel, so that cancelling its context always
// works and leaves no goroutine or descriptor behind.
package flock
