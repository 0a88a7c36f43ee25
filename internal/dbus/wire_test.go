package dbus

import (
	"math"
	"reflect"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   any
		sig  Signature
		want any // decoded form; nil means same as in
	}{
		{"byte", byte(7), "y", nil},
		{"bool", true, "b", nil},
		{"int16", int16(-2), "n", nil},
		{"uint16", uint16(65535), "q", nil},
		{"int32", int32(math.MinInt32), "i", nil},
		{"uint32", uint32(math.MaxUint32), "u", nil},
		{"int64", int64(math.MinInt64), "x", nil},
		{"uint64", uint64(math.MaxUint64), "t", nil},
		{"double", 3.25, "d", nil},
		{"string", "héllo", "s", nil},
		{"empty string", "", "s", nil},
		{"object path", ObjectPath("/org/freedesktop/secrets"), "o", nil},
		{"root path", ObjectPath("/"), "o", nil},
		{"signature", Signature("a{sv}"), "g", nil},
		{"variant", MakeVariant(int32(5)), "v", nil},
		{"variant of variant", MakeVariant(MakeVariant("x")), "v", nil},
		{"bytes", []byte{0, 1, 255}, "ay", nil},
		{"empty bytes", []byte{}, "ay", nil},
		{"strings", []string{"a", "bc"}, "as", []any{"a", "bc"}},
		{"empty int64s", []int64{}, "ax", []any{}},
		{"int64s", []int64{1, -1}, "ax", []any{int64(1), int64(-1)}},
		{"paths", []ObjectPath{"/a", "/b/c"}, "ao", []any{ObjectPath("/a"), ObjectPath("/b/c")}},
		{"struct", Struct{byte(1), "s", uint64(2)}, "(yst)", nil},
		{"secret", Struct{ObjectPath("/s/1"), []byte{}, []byte("v"), "text/plain"}, "(oayays)", nil},
		{"dict ss", map[string]string{"b": "2", "a": "1"}, "a{ss}", map[any]any{"a": "1", "b": "2"}},
		{"empty dict", map[string]string{}, "a{ss}", map[any]any{}},
		{"dict sv", map[string]Variant{"k": MakeVariant(uint32(3))}, "a{sv}", map[any]any{"k": MakeVariant(uint32(3))}},
		{"dict o struct", map[ObjectPath]Struct{"/i": {ObjectPath("/s"), []byte{1}, []byte{2}, "t"}}, "a{o(oayays)}",
			map[any]any{ObjectPath("/i"): Struct{ObjectPath("/s"), []byte{1}, []byte{2}, "t"}}},
		{"nested arrays", [][]int32{{1}, {}, {2, 3}}, "aai", []any{[]any{int32(1)}, []any{}, []any{int32(2), int32(3)}}},
		{"any slice", []any{"x", "y"}, "as", nil},
		{"struct in array", []Struct{{byte(1), uint64(9)}, {byte(2), uint64(8)}}, "a(yt)", []any{Struct{byte(1), uint64(9)}, Struct{byte(2), uint64(8)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig, err := SignatureOf(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if sig != tt.sig {
				t.Fatalf("SignatureOf = %q, want %q", sig, tt.sig)
			}
			// Prefix a byte so alignment padding is exercised.
			m := &Message{Type: TypeSignal, Serial: 9, Path: "/p", Interface: "a.b", Member: "M", Body: []any{byte(0xAA), tt.in}}
			b, err := encodeMessage(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeMessage(b)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want == nil {
				want = tt.in
			}
			if got.Signature != "y"+tt.sig {
				t.Errorf("message signature %q", got.Signature)
			}
			if !reflect.DeepEqual(got.Body, []any{byte(0xAA), want}) {
				t.Errorf("decoded %#v, want %#v", got.Body[1], want)
			}
			// Re-encoding the decoded value with the same signature gives the same bytes.
			m2 := *m
			m2.Signature, m2.Body = got.Signature, got.Body
			b2, err := encodeMessage(&m2)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(b, b2) {
				t.Errorf("re-encoding differs:\n%x\n%x", b, b2)
			}
		})
	}
}

// TestKnownBytes checks the encoding against a hand-assembled message.
func TestKnownBytes(t *testing.T) {
	m := &Message{Type: TypeMethodCall, Serial: 1, Path: "/", Member: "X", Body: []any{uint32(0x01020304)}}
	b, err := encodeMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{
		'l', 1, 0, 1, 4, 0, 0, 0, 1, 0, 0, 0, // endian, call, flags, version, body len, serial
		39, 0, 0, 0, // header fields length
		1, 1, 'o', 0, 1, 0, 0, 0, '/', 0, 0, 0, 0, 0, 0, 0, // PATH "/"
		3, 1, 's', 0, 1, 0, 0, 0, 'X', 0, 0, 0, 0, 0, 0, 0, // MEMBER "X"
		8, 1, 'g', 0, 1, 'u', 0, // SIGNATURE "u"
		0, // pad to 8
		4, 3, 2, 1,
	}
	if !reflect.DeepEqual(b, want) {
		t.Fatalf("got  %v\nwant %v", b, want)
	}
	got, err := decodeMessage(want)
	if err != nil {
		t.Fatal(err)
	}
	if got.Path != "/" || got.Member != "X" || got.Body[0] != uint32(0x01020304) {
		t.Fatalf("decoded %+v", got)
	}
}

func TestBigEndian(t *testing.T) {
	b := []byte{
		'B', 2, 0, 1, 0, 0, 0, 4, 0, 0, 0, 7,
		0, 0, 0, 15,
		5, 1, 'u', 0, 0, 0, 0, 3, // REPLY_SERIAL 3
		8, 1, 'g', 0, 1, 'i', 0, // SIGNATURE "i"
		0,
		0xff, 0xff, 0xff, 0xfe,
	}
	m, err := decodeMessage(b)
	if err != nil {
		t.Fatal(err)
	}
	if m.ReplySerial != 3 || m.Serial != 7 || m.Body[0] != int32(-2) {
		t.Fatalf("decoded %+v", m)
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name string
		body []any
	}{
		{"nil", []any{nil}},
		{"int", []any{1}},
		{"empty any slice", []any{[]any{}}},
		{"bad path", []any{ObjectPath("no/slash")}},
		{"bad signature", []any{Signature("a")}},
		{"nul in string", []any{"a\x00b"}},
		{"empty struct", []any{Struct{}}},
		{"variant sig mismatch", []any{Variant{Sig: "s", Value: int32(1)}}},
		{"float map key", []any{map[float32]string{1: "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := encodeMessage(&Message{Type: TypeSignal, Serial: 1, Path: "/", Interface: "a.b", Member: "M", Body: tt.body}); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestSignatures(t *testing.T) {
	tests := []struct {
		sig string
		ok  bool
	}{
		{"", true}, {"s", true}, {"a{sv}", true}, {"(oayays)", true}, {"a{o(oayays)}", true}, {"aai", true},
		{"a", false}, {"{ss}", false}, {"a{vs}", false}, {"a{sss}", false}, {"()", false}, {"(s", false},
		{"z", false}, {"a{s}", false}, {string(make([]byte, 256)), false},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaai", false}, // 33 nested arrays
	}
	for _, tt := range tests {
		_, err := splitSignature(tt.sig)
		if (err == nil) != tt.ok {
			t.Errorf("splitSignature(%q) error = %v, want ok=%v", tt.sig, err, tt.ok)
		}
	}
}

func FuzzDecodeMessage(f *testing.F) {
	seeds := []*Message{
		{Type: TypeMethodReturn, Serial: 2, ReplySerial: 1, Body: []any{"x", ObjectPath("/a")}},
		{Type: TypeError, Serial: 3, ReplySerial: 1, ErrorName: "org.x.Error", Body: []any{"msg"}},
		{Type: TypeSignal, Serial: 4, Path: "/a", Interface: "a.b", Member: "C", Body: []any{
			map[string]Variant{"k": MakeVariant([]byte("v")), "n": MakeVariant(Struct{int16(1), 2.5})}}},
		{Type: TypeMethodReturn, Serial: 5, ReplySerial: 1, Body: []any{
			map[ObjectPath]Struct{"/i": {ObjectPath("/s"), []byte{}, []byte("secret"), "text/plain"}}}},
		{Type: TypeMethodCall, Serial: 6, Path: "/", Member: "M", Body: []any{[][]string{{"a"}, {}}, true, uint64(1)}},
	}
	for _, m := range seeds {
		b, err := encodeMessage(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("l\x01\x00\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if n, err := messageLength(b); err != nil || n != len(b) {
			return
		}
		m, err := decodeMessage(b)
		if err != nil {
			return
		}
		// Whatever decodes must re-encode (floats aside, which need not
		// compare equal) and decode to the same header.
		b2, err := encodeMessage(m)
		if err != nil {
			t.Fatalf("re-encoding a decoded message: %v", err)
		}
		m2, err := decodeMessage(b2)
		if err != nil {
			t.Fatalf("decoding a re-encoded message: %v", err)
		}
		if m2.Serial != m.Serial || m2.Path != m.Path || m2.Member != m.Member || m2.Signature != m.Signature || len(m2.Body) != len(m.Body) {
			t.Fatalf("header changed: %+v vs %+v", m, m2)
		}
	})
}
