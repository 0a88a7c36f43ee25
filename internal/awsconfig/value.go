package awsconfig

import "strconv"

// Value is one property value together with where it was read from, so that
// `assume explain` and error messages can point at the file and line.
type Value struct {
	Text string // the value as the SDKs see it ("" when unset)
	File string // path of the file it came from; "" when not from a file
	Line int    // 1-based line of the key; 0 when not from a file
	Set  bool   // the key was present (an empty value is still Set)
}

// Where renders the origin as "file:line", or "" when the value did not come
// from a file.
func (v Value) Where() string {
	if v.File == "" {
		return ""
	}
	return v.File + ":" + strconv.Itoa(v.Line)
}
