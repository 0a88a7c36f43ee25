package cache

import (
	"encoding/json"
	"testing"
	"time"
)

// The compact reader takes what EncodeEntry writes, every field set or not.
func TestDecodeCompactReadsEncodeEntry(t *testing.T) {
	full := sample(t0)
	full.ARN, full.AccountID, full.Source, full.Profile = "arn:aws:sts::123456789012:assumed-role/r/s", "123456789012", "assume_role", "dev"
	for _, e := range []*Entry{full, {AccessKeyID: "A", SecretAccessKey: "S"}, {AccessKeyID: "A", SecretAccessKey: "S", Expiration: t0.Add(time.Nanosecond)}} {
		b, err := EncodeEntry(e)
		if err != nil {
			t.Fatal(err)
		}
		w, ok := decodeCompact(b)
		if !ok {
			t.Fatalf("decodeCompact(%s) declined", b)
		}
		if w.V != entryVersion || !sameWire(w, wireEntry{V: entryVersion, Entry: *e}) {
			t.Fatalf("decodeCompact(%s) = %+v", b, w)
		}
	}
}

// What the compact reader declines goes to encoding/json; each of these is
// declined, and DecodeEntry still reads the valid ones.
func TestDecodeCompactDeclines(t *testing.T) {
	for _, in := range []string{
		`{"v":1,"akid":"A","secret":"S\u0041"}`,      // an escape
		`{"v":1, "akid":"A","secret":"S"}`,           // white space
		`{"v":1,"AKID":"A","secret":"S"}`,            // encoding/json matches keys without case
		`{"v":1,"akid":"A","akid":"B","secret":"S"}`, // a repeated key
		`{"v":1,"akid":"A","secret":"S","x":1}`,      // an unknown key
		`{"v":01,"akid":"A","secret":"S"}`,           // not JSON
		`{"v":1,"akid":"A","secret":"é"}`,            // not ASCII
		`{"v":1,"akid":"A","secret":"S","exp":null}`,
		`{"v":1,"akid":"A","secret":"S","exp":"yesterday"}`,
		`{"v":1,"akid":"A","secret":"S",}`,
		`{,}`, `{}`, `{"v":1`, ``,
	} {
		if _, ok := decodeCompact([]byte(in)); ok {
			t.Errorf("decodeCompact(%s) accepted it", in)
		}
	}
	for _, in := range []string{`{"v":1, "akid":"A","secret":"S\u0041"}`, `{"v":1,"AKID":"A","secret":"S"}`} {
		if e, err := DecodeEntry([]byte(in)); err != nil || e.AccessKeyID != "A" {
			t.Errorf("DecodeEntry(%s) = %+v, %v", in, e, err)
		}
	}
}

// Whatever the compact reader accepts, encoding/json reads the same way.
func FuzzDecodeCompact(f *testing.F) {
	good, _ := EncodeEntry(sample(t0))
	f.Add(good)
	f.Add([]byte(`{"v":1,"akid":"A","secret":"S","exp":"0001-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"v":123456789,"token":"","created":"2026-12-07T23:19:00.123456789+01:00"}`))
	f.Add([]byte(`{"v":1,"akid":"A","secret":"S","exp":"2026-12-07T23:19:00Z"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, ok := decodeCompact(b)
		if !ok {
			return
		}
		var j wireEntry
		if err := json.Unmarshal(b, &j); err != nil {
			t.Fatalf("decodeCompact accepted %q, encoding/json: %v", b, err)
		}
		if !sameWire(j, w) {
			t.Fatalf("%q: decodeCompact %+v, encoding/json %+v", b, w, j)
		}
	})
}

// sameWire compares two decoded entries; times by instant and by how they
// print (a fixed zone is a new *time.Location at each parse).
func sameWire(a, b wireEntry) bool {
	sameTime := func(x, y time.Time) bool {
		return x.Equal(y) && x.Format(time.RFC3339Nano) == y.Format(time.RFC3339Nano)
	}
	if !sameTime(a.Expiration, b.Expiration) || !sameTime(a.Created, b.Created) {
		return false
	}
	a.Expiration, a.Created, b.Expiration, b.Created = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return a == b
}
