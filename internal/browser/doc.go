// Package browser owns opening URLs in the user's web browser: finding the
// launcher (xdg-open, open, rundll32), honouring ASSUME_BROWSER, and knowing
// when no browser can be shown at all (no display, an SSH session).
//
// Rules it keeps:
//   - Opening never blocks: the launcher is started and reaped in the
//     background, in its own process group, so Ctrl-C in the terminal does
//     not reach the browser it started.
//   - The launcher's output never reaches the user's terminal: stdin, stdout
//     and stderr go to /dev/null unless a debug writer is given.
//   - ASSUME_BROWSER is a command template ("firefox --new-window {url}"; the
//     URL is appended when there is no {url}); ASSUME_BROWSER=none opens
//     nothing, so callers only print the URL.
//
// Stub records URLs for tests.
package browser
