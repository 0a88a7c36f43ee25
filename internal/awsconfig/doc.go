// Package awsconfig owns the AWS shared config and credentials files
// (~/.aws/config and ~/.aws/credentials): where they are, what they mean, and
// how to change them without disturbing anything else in them.
//
// It has three faces, all built on one line tokenizer so they cannot disagree:
//
//   - Files is the read path. Open reads the bytes and nothing more; Profile and
//     SSOSession then scan the header lines and parse only the sections with the
//     wanted name, so resolving one profile in a file of ten thousand costs a
//     memory scan, not ten thousand profile objects. Every value carries the
//     file and 1-based line it came from (Value).
//   - Files.Load parses everything into a ProfileSet, exactly as the cross-SDK
//     profile-file specification says (the conformance suite
//     profile-parser-tests.json is the referee).
//   - Document is a lossless model of one file for editing: Bytes returns the
//     input byte for byte (comments, spacing, CRLF, a missing final newline), and
//     each edit touches only the lines it must. UpdateFile wraps an edit in a
//     cross-process lock and an atomic replace that keeps a .bak copy.
//   - ScanLenient is the tokenizer's lenient mode, for a file read whatever
//     it holds (assume's settings file): a broken line is reported and
//     skipped instead of failing the file.
//
// The package is pure: no AWS SDK, no network. It never puts a line of a file
// into an error message, because such a line may hold a secret.
package awsconfig
