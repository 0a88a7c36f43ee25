// Package picker owns the full-screen fuzzy profile picker that `assume`
// opens when it is run on a terminal without a profile name, and the small
// history file that orders it.
//
// # Drawing
//
// The picker draws on the terminal it is given (the controlling tty or
// stderr), never on stdout, in the alternate screen. It puts the input
// terminal in raw mode and restores it, leaves the alternate screen and shows
// the cursor again on every way out: Enter, Ctrl-O, Esc, Ctrl-C, Ctrl-D,
// SIGINT/SIGTERM/SIGHUP and a panic (restored, then re-panicked). Window
// size is read again before every frame and SIGWINCH triggers a redraw.
// Only the visible rows are drawn; each frame is built in one buffer and
// written with one call. Colour (bold matched characters, reverse selection,
// green valid sessions) is left out when Options.NoColor is set or NO_COLOR
// is set to a non-empty value. Text from the config is sanitised: control
// characters are shown as '?'.
//
// # Keys
//
//	printable characters   edit the query
//	Backspace              delete the last character of the query
//	Ctrl-U                 clear the query
//	Ctrl-W                 delete the last word of the query
//	Up, Ctrl-P / Down, Ctrl-N   move the selection by one row
//	PgUp / PgDn            move by one screen
//	Home / End             first / last row
//	Enter                  assume the selected profile (Action Assume)
//	Ctrl-O                 open the console for it (Action Console)
//	Esc, Ctrl-C, Ctrl-D    cancel: nothing is changed (Action Cancel)
//
// A lone ESC is told apart from an arrow key's escape sequence by waiting
// 25 ms for the rest of the sequence.
//
// # Matching and ordering
//
// The query is split on spaces into terms; every term must match (AND) as a
// case-insensitive subsequence of one field of an item: profile name,
// account id, account name, role, region or sso-session. A term scores more
// for contiguous runs, for starting at a word boundary, and most for being a
// prefix of the profile name; an item's score is the sum over its terms of
// the best field. With an empty query the order is frecency (recently and
// frequently used first), then profile name; with a query it is score, then
// the same frecency order. Options.Order "alpha" drops frecency. Typing a
// character that extends the query only re-filters the previous matches.
//
// # History file
//
// The history lives at $XDG_STATE_HOME/assume/history (default
// ~/.local/state/assume/history), mode 0600 in a 0700 folder. It is UTF-8
// text, one use per line, oldest first:
//
//	<unix seconds> <profile name>
//
// The profile name is the rest of the line after the first space. Lines
// that do not parse are skipped, so a damaged file reads as (partly) empty.
// Record keeps the last 500 uses and replaces the file atomically (temporary
// file then rename). The frecency of a profile is the sum over its uses of
// 2^(-age/7 days).
//
// The picker does not record uses itself: the caller records the profile
// once it has been assumed, so that a cancelled pick changes nothing.
package picker
