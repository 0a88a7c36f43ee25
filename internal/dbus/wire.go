package dbus

// This file is the D-Bus wire format: signatures, and the marshalling of
// values to and from bytes. Offsets are relative to the start of the
// message; bodies start 8-aligned, so a body can be coded on its own from
// offset 0. We always write little-endian and read either byte order.
//
// Decoding must never panic on hostile input: every length is checked
// against the bytes left, every signature is validated before use, and
// nesting is bounded so deeply nested input cannot exhaust the stack.

import (
	"cmp"
	"encoding/binary"
	"math"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

const (
	maxSignature  = 255
	maxArrayDepth = 32
	maxStructNest = 32
	maxDepth      = 64 // arrays + structs + variants
	maxArrayBytes = 64 << 20
	maxMessage    = 64 << 20
)

// basicCodes are the type codes allowed as dict keys.
const basicCodes = "ybnqiuxtdsogh"

// typeLen returns the length of the single complete type at the start of
// sig, validating it.
func typeLen(sig string) (int, error) {
	return typeLenAt(sig, 0, 0)
}

func typeLenAt(sig string, arrays, structs int) (int, error) {
	if sig == "" {
		return 0, errf("empty signature")
	}
	if arrays > maxArrayDepth || structs > maxStructNest {
		return 0, errf("signature nests too deeply")
	}
	switch c := sig[0]; c {
	case 'y', 'b', 'n', 'q', 'i', 'u', 'x', 't', 'd', 's', 'o', 'g', 'h', 'v':
		return 1, nil
	case 'a':
		if len(sig) > 1 && sig[1] == '{' {
			if len(sig) < 3 || !strings.ContainsRune(basicCodes, rune(sig[2])) {
				return 0, errf("dict key must be a basic type")
			}
			n, err := typeLenAt(sig[3:], arrays+1, structs+1)
			if err != nil {
				return 0, err
			}
			if len(sig) <= 3+n || sig[3+n] != '}' {
				return 0, errf("dict entry must have exactly two types")
			}
			return 3 + n + 1, nil
		}
		n, err := typeLenAt(sig[1:], arrays+1, structs)
		if err != nil {
			return 0, err
		}
		return 1 + n, nil
	case '(':
		i := 1
		for {
			if i >= len(sig) {
				return 0, errf("unterminated struct in signature")
			}
			if sig[i] == ')' {
				if i == 1 {
					return 0, errf("empty struct in signature")
				}
				return i + 1, nil
			}
			n, err := typeLenAt(sig[i:], arrays, structs+1)
			if err != nil {
				return 0, err
			}
			i += n
		}
	default:
		return 0, errf("invalid type code %q in signature", c)
	}
}

// splitSignature splits a signature into its complete types.
func splitSignature(sig string) ([]string, error) {
	if len(sig) > maxSignature {
		return nil, errf("signature too long")
	}
	var types []string
	for sig != "" {
		n, err := typeLen(sig)
		if err != nil {
			return nil, err
		}
		types = append(types, sig[:n])
		sig = sig[n:]
	}
	return types, nil
}

func alignOf(code byte) int {
	switch code {
	case 'y', 'g', 'v':
		return 1
	case 'n', 'q':
		return 2
	case 'b', 'i', 'u', 'h', 's', 'o', 'a':
		return 4
	default: // x t d ( {
		return 8
	}
}

func validObjectPath(p string) bool {
	if p == "/" {
		return true
	}
	if len(p) < 2 || p[0] != '/' || p[len(p)-1] == '/' {
		return false
	}
	prevSlash := false
	for i := 1; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '/':
			if prevSlash {
				return false
			}
			prevSlash = true
			continue
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		default:
			return false
		}
		prevSlash = false
	}
	return true
}

var (
	typeVariant   = reflect.TypeFor[Variant]()
	typeStruct    = reflect.TypeFor[Struct]()
	typeObjPath   = reflect.TypeFor[ObjectPath]()
	typeSignature = reflect.TypeFor[Signature]()
)

// SignatureOf returns the D-Bus signature of a Go value: byte y, bool b,
// int16 n, uint16 q, int32 i, uint32 u, int64 x, uint64 t, float64 d,
// string s, ObjectPath o, Signature g, Variant v, Struct (...), slices a..
// and maps a{..}. Elements of []any or map[..]any take the type of the
// first element, so such a collection must not be empty.
func SignatureOf(v any) (Signature, error) {
	s, err := sigOfValue(reflect.ValueOf(v))
	return Signature(s), err
}

func sigOfValue(v reflect.Value) (string, error) {
	for v.IsValid() && v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if !v.IsValid() {
		return "", errf("cannot marshal nil")
	}
	if v.Type() == typeStruct {
		var b strings.Builder
		b.WriteByte('(')
		for i := range v.Len() {
			s, err := sigOfValue(v.Index(i))
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
		if v.Len() == 0 {
			return "", errf("cannot marshal an empty struct")
		}
		b.WriteByte(')')
		return b.String(), nil
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		if s, ok := sigOfType(v.Type().Elem()); ok {
			return "a" + s, nil
		}
		if v.Len() == 0 {
			return "", errf("cannot infer the element type of an empty %s", v.Type())
		}
		s, err := sigOfValue(v.Index(0))
		if err != nil {
			return "", err
		}
		return "a" + s, nil
	case reflect.Map:
		k, kok := sigOfType(v.Type().Key())
		s, sok := sigOfType(v.Type().Elem())
		if !kok || !sok {
			// Infer what the types leave open from the first entry.
			it := v.MapRange()
			if !it.Next() {
				return "", errf("cannot infer the element type of an empty %s", v.Type())
			}
			var err error
			if !kok {
				if k, err = sigOfValue(it.Key()); err != nil {
					return "", err
				}
			}
			if !sok {
				if s, err = sigOfValue(it.Value()); err != nil {
					return "", err
				}
			}
		}
		if len(k) != 1 || !strings.Contains(basicCodes, k) {
			return "", errf("map key type %s is not a basic D-Bus type", v.Type().Key())
		}
		return "a{" + k + s + "}", nil
	}
	if s, ok := sigOfType(v.Type()); ok {
		return s, nil
	}
	return "", errf("cannot marshal Go type %s", v.Type())
}

// sigOfType returns the signature of a type that fixes it without a value.
func sigOfType(t reflect.Type) (string, bool) {
	switch t {
	case typeVariant:
		return "v", true
	case typeObjPath:
		return "o", true
	case typeSignature:
		return "g", true
	case typeStruct:
		return "", false
	}
	switch t.Kind() {
	case reflect.Uint8:
		return "y", true
	case reflect.Bool:
		return "b", true
	case reflect.Int16:
		return "n", true
	case reflect.Uint16:
		return "q", true
	case reflect.Int32:
		return "i", true
	case reflect.Uint32:
		return "u", true
	case reflect.Int64:
		return "x", true
	case reflect.Uint64:
		return "t", true
	case reflect.Float64:
		return "d", true
	case reflect.String:
		return "s", true
	case reflect.Slice, reflect.Array:
		s, ok := sigOfType(t.Elem())
		return "a" + s, ok
	case reflect.Map:
		k, ok1 := sigOfType(t.Key())
		s, ok2 := sigOfType(t.Elem())
		return "a{" + k + s + "}", ok1 && ok2 && len(k) == 1 && strings.Contains(basicCodes, k)
	}
	return "", false
}

// encoder appends little-endian values to buf.
type encoder struct {
	buf   []byte
	depth int
}

func (e *encoder) align(n int) {
	for len(e.buf)%n != 0 {
		e.buf = append(e.buf, 0)
	}
}

func (e *encoder) u32(v uint32) {
	e.align(4)
	e.buf = binary.LittleEndian.AppendUint32(e.buf, v)
}

// encodeAll marshals values against their complete types.
func (e *encoder) encodeAll(types []string, values []any) error {
	if len(types) != len(values) {
		return errf("%d values for %d types", len(values), len(types))
	}
	for i, t := range types {
		if err := e.value(t, reflect.ValueOf(values[i])); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) value(sig string, v reflect.Value) error {
	for v.IsValid() && v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if !v.IsValid() {
		return errf("cannot marshal nil as %q", sig)
	}
	mismatch := func() error { return errf("cannot marshal Go type %s as %q", v.Type(), sig) }
	switch sig[0] {
	case 'y':
		if v.Kind() != reflect.Uint8 {
			return mismatch()
		}
		e.buf = append(e.buf, byte(v.Uint()))
	case 'b':
		if v.Kind() != reflect.Bool {
			return mismatch()
		}
		var b uint32
		if v.Bool() {
			b = 1
		}
		e.u32(b)
	case 'n', 'q':
		if (sig[0] == 'n') != (v.Kind() == reflect.Int16) || (sig[0] == 'q') != (v.Kind() == reflect.Uint16) {
			return mismatch()
		}
		e.align(2)
		var u uint16
		if v.Kind() == reflect.Int16 {
			u = uint16(v.Int())
		} else {
			u = uint16(v.Uint())
		}
		e.buf = binary.LittleEndian.AppendUint16(e.buf, u)
	case 'i':
		if v.Kind() != reflect.Int32 {
			return mismatch()
		}
		e.u32(uint32(v.Int()))
	case 'u', 'h':
		if v.Kind() != reflect.Uint32 {
			return mismatch()
		}
		e.u32(uint32(v.Uint()))
	case 'x', 't', 'd':
		var u uint64
		switch {
		case sig[0] == 'x' && v.Kind() == reflect.Int64:
			u = uint64(v.Int())
		case sig[0] == 't' && v.Kind() == reflect.Uint64:
			u = v.Uint()
		case sig[0] == 'd' && v.Kind() == reflect.Float64:
			u = math.Float64bits(v.Float())
		default:
			return mismatch()
		}
		e.align(8)
		e.buf = binary.LittleEndian.AppendUint64(e.buf, u)
	case 's', 'o':
		if v.Kind() != reflect.String {
			return mismatch()
		}
		s := v.String()
		if strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
			return errf("string is not valid UTF-8 without NUL")
		}
		if sig[0] == 'o' && !validObjectPath(s) {
			return errf("invalid object path %q", s)
		}
		e.u32(uint32(len(s)))
		e.buf = append(e.buf, s...)
		e.buf = append(e.buf, 0)
	case 'g':
		if v.Kind() != reflect.String {
			return mismatch()
		}
		s := v.String()
		if _, err := splitSignature(s); err != nil {
			return err
		}
		e.buf = append(e.buf, byte(len(s)))
		e.buf = append(e.buf, s...)
		e.buf = append(e.buf, 0)
	case 'v':
		var inner reflect.Value
		var s string
		if v.Type() == typeVariant {
			vv := v.Interface().(Variant)
			inner, s = reflect.ValueOf(vv.Value), string(vv.Sig)
		} else {
			inner = v
		}
		if s == "" {
			var err error
			if s, err = sigOfValue(inner); err != nil {
				return err
			}
		}
		if n, err := typeLen(s); err != nil || n != len(s) {
			return errf("variant signature %q is not a single complete type", s)
		}
		e.buf = append(e.buf, byte(len(s)))
		e.buf = append(e.buf, s...)
		e.buf = append(e.buf, 0)
		return e.nested(s, inner)
	case 'a':
		return e.array(sig, v)
	case '(':
		if v.Kind() != reflect.Slice || v.Type().Elem().Kind() != reflect.Interface {
			return mismatch()
		}
		e.align(8)
		types, err := splitSignature(sig[1 : len(sig)-1])
		if err != nil {
			return err
		}
		if len(types) != v.Len() {
			return errf("struct %q given %d fields", sig, v.Len())
		}
		for i, t := range types {
			if err := e.nested(t, v.Index(i)); err != nil {
				return err
			}
		}
	default:
		return errf("cannot marshal type %q", sig)
	}
	return nil
}

func (e *encoder) nested(sig string, v reflect.Value) error {
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > maxDepth {
		return errf("value nests too deeply")
	}
	return e.value(sig, v)
}

func (e *encoder) array(sig string, v reflect.Value) error {
	elem := sig[1:]
	e.u32(0)
	lenAt := len(e.buf) - 4
	e.align(alignOf(elem[0]))
	start := len(e.buf)
	switch {
	case elem[0] == '{':
		if v.Kind() != reflect.Map {
			return errf("cannot marshal Go type %s as %q", v.Type(), sig)
		}
		kt, vt := elem[1:2], elem[2:len(elem)-1]
		keys := v.MapKeys()
		slices.SortFunc(keys, compareKeys)
		for _, k := range keys {
			e.align(8)
			if err := e.nested(kt, k); err != nil {
				return err
			}
			if err := e.nested(vt, v.MapIndex(k)); err != nil {
				return err
			}
		}
	case v.Kind() == reflect.Slice || v.Kind() == reflect.Array:
		if elem == "y" && v.Type().Elem().Kind() == reflect.Uint8 && v.Kind() == reflect.Slice {
			e.buf = append(e.buf, v.Bytes()...)
			break
		}
		for i := range v.Len() {
			if err := e.nested(elem, v.Index(i)); err != nil {
				return err
			}
		}
	default:
		return errf("cannot marshal Go type %s as %q", v.Type(), sig)
	}
	n := len(e.buf) - start
	if n > maxArrayBytes {
		return errf("array too long")
	}
	binary.LittleEndian.PutUint32(e.buf[lenAt:], uint32(n))
	return nil
}

// compareKeys orders map keys so that encoding is deterministic.
func compareKeys(a, b reflect.Value) int {
	for a.Kind() == reflect.Interface {
		a = a.Elem()
	}
	for b.Kind() == reflect.Interface {
		b = b.Elem()
	}
	if !a.IsValid() || !b.IsValid() || a.Kind() != b.Kind() {
		return 0
	}
	switch a.Kind() {
	case reflect.String:
		return cmp.Compare(a.String(), b.String())
	case reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return cmp.Compare(a.Uint(), b.Uint())
	case reflect.Float64:
		return cmp.Compare(a.Float(), b.Float())
	case reflect.Bool:
		if a.Bool() == b.Bool() {
			return 0
		}
		if !a.Bool() {
			return -1
		}
		return 1
	}
	return 0
}

// decoder reads values from b at pos. Decoded types: y byte, b bool,
// n int16, q uint16, i int32, u and h uint32, x int64, t uint64,
// d float64, s string, o ObjectPath, g Signature, v Variant, ay []byte,
// other arrays []any, dicts map[any]any, structs Struct.
type decoder struct {
	b     []byte
	pos   int
	order binary.ByteOrder
	depth int
}

func (d *decoder) align(n int) error {
	p := (d.pos + n - 1) &^ (n - 1)
	if p > len(d.b) {
		return errf("truncated")
	}
	d.pos = p
	return nil
}

func (d *decoder) take(n int) ([]byte, error) {
	if n < 0 || n > len(d.b)-d.pos {
		return nil, errf("truncated")
	}
	b := d.b[d.pos : d.pos+n]
	d.pos += n
	return b, nil
}

func (d *decoder) u32() (uint32, error) {
	if err := d.align(4); err != nil {
		return 0, err
	}
	b, err := d.take(4)
	if err != nil {
		return 0, err
	}
	return d.order.Uint32(b), nil
}

// decodeAll decodes one value per complete type in types.
func (d *decoder) decodeAll(types []string) ([]any, error) {
	out := make([]any, 0, len(types))
	for _, t := range types {
		v, err := d.value(t)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// value decodes one value of the complete, validated type sig.
func (d *decoder) value(sig string) (any, error) {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDepth {
		return nil, errf("value nests too deeply")
	}
	switch sig[0] {
	case 'y':
		b, err := d.take(1)
		if err != nil {
			return nil, err
		}
		return b[0], nil
	case 'b':
		u, err := d.u32()
		if err != nil {
			return nil, err
		}
		if u > 1 {
			return nil, errf("boolean value %d", u)
		}
		return u == 1, nil
	case 'n', 'q':
		if err := d.align(2); err != nil {
			return nil, err
		}
		b, err := d.take(2)
		if err != nil {
			return nil, err
		}
		if sig[0] == 'n' {
			return int16(d.order.Uint16(b)), nil
		}
		return d.order.Uint16(b), nil
	case 'i':
		u, err := d.u32()
		return int32(u), err
	case 'u', 'h':
		return d.u32()
	case 'x', 't', 'd':
		if err := d.align(8); err != nil {
			return nil, err
		}
		b, err := d.take(8)
		if err != nil {
			return nil, err
		}
		u := d.order.Uint64(b)
		switch sig[0] {
		case 'x':
			return int64(u), nil
		case 't':
			return u, nil
		}
		return math.Float64frombits(u), nil
	case 's', 'o':
		n, err := d.u32()
		if err != nil {
			return nil, err
		}
		s, err := d.str(int(min(n, math.MaxInt32)))
		if err != nil {
			return nil, err
		}
		if sig[0] == 'o' {
			if !validObjectPath(s) {
				return nil, errf("invalid object path")
			}
			return ObjectPath(s), nil
		}
		return s, nil
	case 'g':
		s, err := d.sig()
		return Signature(s), err
	case 'v':
		s, err := d.sig()
		if err != nil {
			return nil, err
		}
		if n, err := typeLen(s); err != nil || n != len(s) {
			return nil, errf("variant signature is not a single complete type")
		}
		v, err := d.value(s)
		if err != nil {
			return nil, err
		}
		return Variant{Sig: Signature(s), Value: v}, nil
	case 'a':
		return d.array(sig[1:])
	case '(':
		if err := d.align(8); err != nil {
			return nil, err
		}
		types, err := splitSignature(sig[1 : len(sig)-1])
		if err != nil {
			return nil, err
		}
		fields, err := d.decodeAll(types)
		if err != nil {
			return nil, err
		}
		return Struct(fields), nil
	}
	return nil, errf("unknown type %q", sig)
}

func (d *decoder) str(n int) (string, error) {
	b, err := d.take(n + 1)
	if err != nil {
		return "", err
	}
	if b[n] != 0 {
		return "", errf("string not NUL-terminated")
	}
	s := string(b[:n])
	if strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
		return "", errf("string is not valid UTF-8 without NUL")
	}
	return s, nil
}

func (d *decoder) sig() (string, error) {
	b, err := d.take(1)
	if err != nil {
		return "", err
	}
	s, err := d.str(int(b[0]))
	if err != nil {
		return "", err
	}
	if _, err := splitSignature(s); err != nil {
		return "", err
	}
	return s, nil
}

func (d *decoder) array(elem string) (any, error) {
	n, err := d.u32()
	if err != nil {
		return nil, err
	}
	if n > maxArrayBytes {
		return nil, errf("array too long")
	}
	if err := d.align(alignOf(elem[0])); err != nil {
		return nil, err
	}
	if int(n) > len(d.b)-d.pos {
		return nil, errf("truncated")
	}
	end := d.pos + int(n)
	if elem == "y" {
		b, _ := d.take(int(n))
		return slices.Clone(b), nil
	}
	if elem[0] == '{' {
		kt, vt := elem[1:2], elem[2:len(elem)-1]
		m := map[any]any{}
		for d.pos < end {
			if err := d.align(8); err != nil {
				return nil, err
			}
			k, err := d.value(kt)
			if err != nil {
				return nil, err
			}
			v, err := d.value(vt)
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		if d.pos != end {
			return nil, errf("array length mismatch")
		}
		return m, nil
	}
	out := []any{}
	for d.pos < end {
		v, err := d.value(elem)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if d.pos != end {
		return nil, errf("array length mismatch")
	}
	return out, nil
}
