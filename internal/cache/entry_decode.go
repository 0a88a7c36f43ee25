package cache

import "time"

// decodeCompact reads an entry in exactly the form EncodeEntry writes
// (json.Marshal of wireEntry: one flat object, no white space, each known
// key at most once, strings of printable ASCII without escapes). It reports
// false for anything else, and DecodeEntry then uses encoding/json, so the
// two always agree (FuzzDecodeCompact checks it). A cache hit reads one
// entry: skipping the reflection of encoding/json there saves its type
// walk and the pages of code and heap it touches at each start.
func decodeCompact(b []byte) (wireEntry, bool) {
	var w wireEntry
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return w, false
	}
	var seen uint16
	i := 1
	for first := true; ; first = false {
		if i == len(b)-1 {
			return w, !first
		}
		if !first {
			if b[i] != ',' {
				return w, false
			}
			i++
		}
		key, n, ok := plainString(b, i)
		if !ok || n >= len(b) || b[n] != ':' {
			return w, false
		}
		i = n + 1
		bit, dst, tm := entryField(&w, key)
		if bit == 0 || seen&bit != 0 {
			return w, false
		}
		seen |= bit
		if key == "v" {
			v, n, ok := smallInt(b, i)
			if !ok {
				return w, false
			}
			w.V, i = v, n
			continue
		}
		s, n, ok := plainString(b, i)
		if !ok {
			return w, false
		}
		i = n
		switch {
		case dst != nil:
			*dst = s
		case tm != nil:
			if err := tm.UnmarshalText([]byte(s)); err != nil {
				return w, false
			}
		}
	}
}

// entryField maps a key of the wire form to its bit and its field.
func entryField(w *wireEntry, key string) (uint16, *string, *time.Time) {
	switch key {
	case "v":
		return 1 << 0, nil, nil
	case "akid":
		return 1 << 1, &w.AccessKeyID, nil
	case "secret":
		return 1 << 2, &w.SecretAccessKey, nil
	case "token":
		return 1 << 3, &w.SessionToken, nil
	case "exp":
		return 1 << 4, nil, &w.Expiration
	case "arn":
		return 1 << 5, &w.ARN, nil
	case "acct":
		return 1 << 6, &w.AccountID, nil
	case "src":
		return 1 << 7, &w.Source, nil
	case "profile":
		return 1 << 8, &w.Profile, nil
	case "created":
		return 1 << 9, nil, &w.Created
	}
	return 0, nil, nil
}

// plainString reads a JSON string at b[i] made of printable ASCII other
// than the quote and the backslash (so it needs no unescaping, and
// encoding/json reads it as the same bytes); it returns the string and the
// index after its closing quote.
func plainString(b []byte, i int) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return string(b[i+1 : j]), j + 1, true
		case c < 0x20 || c > 0x7e || c == '\\':
			return "", 0, false
		}
	}
	return "", 0, false
}

// smallInt reads a JSON integer of up to 9 digits without a sign or
// leading zeros.
func smallInt(b []byte, i int) (int, int, bool) {
	v, j := 0, i
	for ; j < len(b) && j-i < 10 && b[j] >= '0' && b[j] <= '9'; j++ {
		v = v*10 + int(b[j]-'0')
	}
	if j == i || j-i > 9 || (b[i] == '0' && j-i > 1) {
		return 0, 0, false
	}
	return v, j, true
}
