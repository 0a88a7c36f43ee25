// Package term owns the process's streams: stdin, stdout (machine output
// only), stderr (messages), and the controlling terminal used for prompts.
//
// Rules every command follows:
//   - stdout carries only what a program reads: shell code, JSON, a URL.
//   - messages, notices and errors go to stderr, prefixed "assume: ".
//   - prompts (MFA codes, confirmations) go to the terminal (/dev/tty), never
//     to stdout, so they work under `eval "$(...)"` and with pipes.
package term
