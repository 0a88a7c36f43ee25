package awsconfig

import (
	"encoding/json"
	"testing"
)

func TestValueJSON(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{Value{}, `null`},
		{Value{Text: "x", File: "/c", Line: 3, Set: true}, `{"value":"x","file":"/c","line":3}`},
		{Value{Text: "", Set: true}, `{"value":""}`},
	}
	for _, tc := range tests {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", tc.v, b, err, tc.want)
		}
		var back Value
		if err := json.Unmarshal(b, &back); err != nil || back != tc.v {
			t.Errorf("Unmarshal(%s) = %+v, %v", b, back, err)
		}
	}
	var v Value
	if err := json.Unmarshal([]byte(`{"value":1}`), &v); err == nil {
		t.Error("bad JSON accepted")
	}
}
