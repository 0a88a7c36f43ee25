// Package suggest owns assume's "did you mean" logic: the edit distances
// between two names (Distance, which counts swapping two adjacent letters
// as one typo, and plain Levenshtein) and picking, from a list of valid
// names, those close enough to a mistyped one to be offered instead
// (Closest for one suggestion, All for a ranked few).
//
// Each caller keeps its own policy (how far is still a typo, whether case
// counts, whether a prefix or a substring is enough) and states it as an
// Options value; the package owns the mechanics, so that every "did you
// mean" in assume measures and ranks the same way: closest first, ties in
// the order the candidates were given.
//
// Distances are counted in runes, not bytes: "é" for "e" is one typo. A
// byte that is not valid UTF-8 counts as a rune of its own, different from
// every other, so that only equal strings are at distance zero.
//
// The package imports only the standard library's string helpers (no
// network, regexp or os/user), so the front end may use it.
package suggest
