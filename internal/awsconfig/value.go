package awsconfig

import (
	"encoding/json"
	"fmt"
	"strconv"
)

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

// IsZero reports whether the key was absent, so that `omitzero` JSON fields
// leave unset values out.
func (v Value) IsZero() bool { return !v.Set }

// valueJSON is the stable JSON form of a Value (see docs/explain.md).
type valueJSON struct {
	Value string `json:"value"`
	File  string `json:"file,omitempty"`
	Line  int    `json:"line,omitempty"`
}

// MarshalJSON renders {"value": …, "file": …, "line": …}; file and line are
// left out when the value did not come from a file, and an unset value is null.
func (v Value) MarshalJSON() ([]byte, error) {
	if !v.Set {
		return []byte("null"), nil
	}
	return json.Marshal(valueJSON{Value: v.Text, File: v.File, Line: v.Line})
}

// UnmarshalJSON reads the form MarshalJSON writes; null is an unset value.
func (v *Value) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*v = Value{}
		return nil
	}
	var j valueJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("decoding config value: %w", err)
	}
	*v = Value{Text: j.Value, File: j.File, Line: j.Line, Set: true}
	return nil
}
