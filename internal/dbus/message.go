package dbus

import (
	"encoding/binary"
	"reflect"
)

// Message types.
const (
	TypeMethodCall   = 1
	TypeMethodReturn = 2
	TypeError        = 3
	TypeSignal       = 4
)

// Header field codes.
const (
	fieldPath        = 1
	fieldInterface   = 2
	fieldMember      = 3
	fieldErrorName   = 4
	fieldReplySerial = 5
	fieldDestination = 6
	fieldSender      = 7
	fieldSignature   = 8
	fieldUnixFDs     = 9
)

// fixedHeader is the length of the header before the field array's
// contents: endianness, type, flags, version, body length, serial, field
// array length.
const fixedHeader = 16

// Message is one D-Bus message.
type Message struct {
	Type        byte
	Flags       byte
	Serial      uint32
	Path        ObjectPath
	Interface   string
	Member      string
	ErrorName   string
	ReplySerial uint32
	Destination string
	Sender      string
	Signature   Signature
	Body        []any
}

// encodeMessage marshals m little-endian. When m.Signature is empty it is
// inferred from the body values.
func encodeMessage(m *Message) ([]byte, error) {
	sig := string(m.Signature)
	if sig == "" {
		for _, v := range m.Body {
			s, err := SignatureOf(v)
			if err != nil {
				return nil, err
			}
			sig += string(s)
		}
	}
	types, err := splitSignature(sig)
	if err != nil {
		return nil, err
	}
	body := encoder{}
	if err := body.encodeAll(types, m.Body); err != nil {
		return nil, err
	}
	if len(body.buf) > maxMessage {
		return nil, errf("message too long")
	}

	type field struct {
		code byte
		v    Variant
	}
	var fields []field
	add := func(code byte, sig Signature, v any, present bool) {
		if present {
			fields = append(fields, field{code, Variant{sig, v}})
		}
	}
	add(fieldPath, "o", m.Path, m.Path != "")
	add(fieldInterface, "s", m.Interface, m.Interface != "")
	add(fieldMember, "s", m.Member, m.Member != "")
	add(fieldErrorName, "s", m.ErrorName, m.ErrorName != "")
	add(fieldReplySerial, "u", m.ReplySerial, m.ReplySerial != 0)
	add(fieldDestination, "s", m.Destination, m.Destination != "")
	add(fieldSender, "s", m.Sender, m.Sender != "")
	add(fieldSignature, "g", Signature(sig), sig != "")

	h := encoder{buf: make([]byte, 0, 128+len(body.buf))}
	h.buf = append(h.buf, 'l', m.Type, m.Flags, 1)
	h.buf = binary.LittleEndian.AppendUint32(h.buf, uint32(len(body.buf)))
	h.buf = binary.LittleEndian.AppendUint32(h.buf, m.Serial)
	h.u32(0)
	start := len(h.buf)
	for _, f := range fields {
		h.align(8)
		h.buf = append(h.buf, f.code)
		if err := h.value("v", reflect.ValueOf(f.v)); err != nil {
			return nil, err
		}
	}
	binary.LittleEndian.PutUint32(h.buf[12:], uint32(len(h.buf)-start))
	h.align(8)
	return append(h.buf, body.buf...), nil
}

// messageLength returns the total length of the message whose first
// fixedHeader bytes are b, or an error if the header is not plausible.
func messageLength(b []byte) (int, error) {
	if len(b) < fixedHeader {
		return 0, errf("truncated header")
	}
	order, err := byteOrder(b[0])
	if err != nil {
		return 0, err
	}
	if b[3] != 1 {
		return 0, errf("protocol version %d", b[3])
	}
	body := uint64(order.Uint32(b[4:]))
	fields := uint64(order.Uint32(b[12:]))
	n := (fixedHeader+fields+7)&^7 + body
	if n > maxMessage {
		return 0, errf("message too long")
	}
	return int(n), nil
}

func byteOrder(c byte) (binary.ByteOrder, error) {
	switch c {
	case 'l':
		return binary.LittleEndian, nil
	case 'B':
		return binary.BigEndian, nil
	}
	return nil, errf("invalid endianness %q", c)
}

// decodeMessage parses one complete message.
func decodeMessage(b []byte) (*Message, error) {
	n, err := messageLength(b)
	if err != nil {
		return nil, err
	}
	if n != len(b) {
		return nil, errf("message length %d, want %d", len(b), n)
	}
	order, _ := byteOrder(b[0])
	m := &Message{Type: b[1], Flags: b[2], Serial: order.Uint32(b[8:])}
	if m.Type < TypeMethodCall || m.Type > TypeSignal {
		return nil, errf("unknown message type %d", m.Type)
	}
	if m.Serial == 0 {
		return nil, errf("zero serial")
	}
	bodyLen := int(order.Uint32(b[4:]))
	d := decoder{b: b[:len(b)-bodyLen], pos: 12, order: order}
	raw, err := d.value("a(yv)")
	if err != nil {
		return nil, err
	}
	if err := d.align(8); err != nil || d.pos != len(d.b) {
		return nil, errf("header length mismatch")
	}
	for _, f := range raw.([]any) {
		st := f.(Struct)
		code, v := st[0].(byte), st[1].(Variant)
		want := map[byte]Signature{
			fieldPath: "o", fieldInterface: "s", fieldMember: "s", fieldErrorName: "s",
			fieldReplySerial: "u", fieldDestination: "s", fieldSender: "s",
			fieldSignature: "g", fieldUnixFDs: "u",
		}[code]
		if want == "" {
			continue // unknown fields must be ignored
		}
		if v.Sig != want {
			return nil, errf("header field %d has type %q", code, v.Sig)
		}
		switch code {
		case fieldPath:
			m.Path = v.Value.(ObjectPath)
		case fieldInterface:
			m.Interface = v.Value.(string)
		case fieldMember:
			m.Member = v.Value.(string)
		case fieldErrorName:
			m.ErrorName = v.Value.(string)
		case fieldReplySerial:
			m.ReplySerial = v.Value.(uint32)
		case fieldDestination:
			m.Destination = v.Value.(string)
		case fieldSender:
			m.Sender = v.Value.(string)
		case fieldSignature:
			m.Signature = v.Value.(Signature)
		}
	}
	switch m.Type {
	case TypeMethodCall:
		if m.Path == "" || m.Member == "" {
			return nil, errf("method call without path or member")
		}
	case TypeMethodReturn:
		if m.ReplySerial == 0 {
			return nil, errf("reply without reply serial")
		}
	case TypeError:
		if m.ReplySerial == 0 || m.ErrorName == "" {
			return nil, errf("error without reply serial or name")
		}
	case TypeSignal:
		if m.Path == "" || m.Member == "" || m.Interface == "" {
			return nil, errf("signal without path, interface or member")
		}
	}
	types, err := splitSignature(string(m.Signature))
	if err != nil {
		return nil, err
	}
	body := decoder{b: b[len(b)-bodyLen:], order: order}
	if m.Body, err = body.decodeAll(types); err != nil {
		return nil, err
	}
	if body.pos != len(body.b) {
		return nil, errf("body longer than its signature")
	}
	return m, nil
}
