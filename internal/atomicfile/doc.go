// Package atomicfile reads and replaces the files assume keeps on disk, in
// one place:
//
//   - Read refuses what is not a regular file (a folder, a FIFO, /dev/zero)
//     and files over a size limit, and reads the rest with one exact-size
//     read checked against the file's identity, size and times before and
//     after, retrying when the file changed while it was read. It never maps
//     a file: a file rewritten underneath a mapping kills the process.
//   - Write writes a temporary file in the target's folder (created 0600
//     with O_EXCL, so a symlink planted at the temporary name is never
//     followed), syncs it, gives it its final mode, renames it over the
//     target and syncs the folder. With FollowSymlink the target is the
//     final file a symlink points to, so the link stays a link; with Expect
//     the rename happens only if the target is still the file that was read.
//   - Temporary files left by a killed process (.NAME.tmp-PID-RANDOM) are
//     removed by the next Write in the same folder once they are stale.
//
// It is a leaf: it imports only the standard library and x/sys, so the
// front end may use it.
package atomicfile
