//go:build linux

package dbus

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseAddresses(t *testing.T) {
	tests := []struct {
		in   string
		want []Address
	}{
		{"unix:path=/run/user/1000/bus", []Address{{Path: "/run/user/1000/bus"}}},
		{"unix:path=/tmp/a%20b,guid=123", []Address{{Path: "/tmp/a b"}}},
		{"unix:abstract=/tmp/dbus-XYZ,guid=1", []Address{{Path: "/tmp/dbus-XYZ", Abstract: true}}},
		{"tcp:host=localhost,port=1;unix:path=/x", []Address{{Path: "/x"}}},
		{"unix:tmpdir=/tmp;unix:path=/y;unix:path=/z", []Address{{Path: "/y"}, {Path: "/z"}}},
		{"unix:path=/bad%zz;unix:path=/good", []Address{{Path: "/good"}}},
		{"unix:path=/trunc%4", nil},
		{"unix:path=", nil},
		{"garbage", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := ParseAddresses(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseAddresses(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSessionAddresses(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		env  map[string]string
		want []Address
	}{
		{map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/a", "XDG_RUNTIME_DIR": "/r"}, []Address{{Path: "/a"}}},
		{map[string]string{"XDG_RUNTIME_DIR": "/r"}, []Address{{Path: "/r/bus"}}},
		{map[string]string{}, nil},
	}
	for _, tt := range tests {
		if got := SessionAddresses(env(tt.env)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SessionAddresses(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
}

func TestNoBus(t *testing.T) {
	dir := t.TempDir()
	tests := map[string]string{
		"unset":   "",
		"missing": "unix:path=" + filepath.Join(dir, "nope"),
		"tcp":     "tcp:host=127.0.0.1,port=1",
	}
	for name, addr := range tests {
		t.Run(name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == "DBUS_SESSION_BUS_ADDRESS" {
					return addr
				}
				return ""
			}
			if HasSessionBus(getenv) {
				t.Error("HasSessionBus = true")
			}
			_, err := Dial(getenv)
			if !errors.Is(err, ErrNoBus) {
				t.Fatalf("Dial error = %v, want ErrNoBus", err)
			}
		})
	}
}

// fakeBus listens on a unix socket in a temp dir and runs serve for each
// connection. It returns a getenv for Dial.
func fakeBus(t *testing.T, serve func(c net.Conn)) func(string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "dbus")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "bus")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { l.Close(); <-done })
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			serve(c)
			c.Close()
		}
	}()
	return func(k string) string {
		if k == "DBUS_SESSION_BUS_ADDRESS" {
			return "unix:path=" + strings.ReplaceAll(path, " ", "%20")
		}
		return ""
	}
}

// serveAuth does the server side of SASL EXTERNAL.
func serveAuth(t *testing.T, c net.Conn, r *bufio.Reader) bool {
	nul, err := r.ReadByte()
	if err != nil || nul != 0 {
		t.Errorf("no initial NUL byte: %v", err)
		return false
	}
	line, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "AUTH EXTERNAL ") {
		t.Errorf("auth line %q: %v", line, err)
		return false
	}
	io.WriteString(c, "OK 0123456789abcdef0123456789abcdef\r\n")
	line, err = r.ReadString('\n')
	if err != nil || line != "BEGIN\r\n" {
		t.Errorf("begin line %q: %v", line, err)
		return false
	}
	return true
}

func readMsg(r *bufio.Reader) (*Message, error) {
	head, err := r.Peek(fixedHeader)
	if err != nil {
		return nil, err
	}
	n, err := messageLength(head)
	if err != nil {
		return nil, err
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	return decodeMessage(b)
}

func send(t *testing.T, c net.Conn, m *Message) {
	b, err := encodeMessage(m)
	if err != nil {
		t.Error(err)
		return
	}
	c.Write(b)
}

// TestFakeBus checks Hello, replies, error replies, that signals and
// stray replies are skipped, and that a silent bus times out.
func TestFakeBus(t *testing.T) {
	getenv := fakeBus(t, func(c net.Conn) {
		r := bufio.NewReader(c)
		if !serveAuth(t, c, r) {
			return
		}
		var serial uint32 = 100
		for {
			m, err := readMsg(r)
			if err != nil {
				return
			}
			serial++
			switch m.Member {
			case "Hello":
				send(t, c, &Message{Type: TypeMethodReturn, Serial: serial, ReplySerial: m.Serial, Body: []any{":1.42"}})
			case "Echo":
				// A signal and a reply to another call come first.
				send(t, c, &Message{Type: TypeSignal, Serial: serial, Path: "/x", Interface: "a.b", Member: "Changed", Body: []any{"noise"}})
				send(t, c, &Message{Type: TypeMethodReturn, Serial: serial + 1, ReplySerial: m.Serial + 1000, Body: []any{"stray"}})
				serial += 2
				send(t, c, &Message{Type: TypeMethodReturn, Serial: serial, ReplySerial: m.Serial, Body: m.Body})
			case "Fail":
				send(t, c, &Message{Type: TypeError, Serial: serial, ReplySerial: m.Serial,
					ErrorName: "org.freedesktop.DBus.Error.AccessDenied", Body: []any{"go away"}})
			case "Hang":
				// never answer
			}
		}
	})
	c, err := Dial(getenv)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.UniqueName() != ":1.42" {
		t.Errorf("UniqueName = %q", c.UniqueName())
	}
	ctx := context.Background()
	args := []any{"a", map[string]Variant{"k": MakeVariant(int32(1))}, []byte("xyz")}
	got, err := c.Call(ctx, "d.e", "/o", "i.f", "Echo", args...)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"a", map[any]any{"k": MakeVariant(int32(1))}, []byte("xyz")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Echo = %#v, want %#v", got, want)
	}
	_, err = c.Call(ctx, "d.e", "/o", "i.f", "Fail")
	if !IsError(err, "org.freedesktop.DBus.Error.AccessDenied") || !strings.Contains(err.Error(), "go away") {
		t.Errorf("Fail error = %v", err)
	}
	tctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err = c.Call(tctx, "d.e", "/o", "i.f", "Hang")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Hang error = %v, want ErrTimeout", err)
	}
	if _, err := c.Call(ctx, "d.e", "/o", "i.f", "Echo"); !errors.Is(err, ErrClosed) {
		t.Errorf("call after timeout: err = %v, want ErrClosed", err)
	}
}

// TestSilentBus: a server that accepts and never speaks makes Dial time
// out instead of hanging.
func TestSilentBus(t *testing.T) {
	getenv := fakeBus(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := DialContext(ctx, getenv)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestAuthRejected(t *testing.T) {
	getenv := fakeBus(t, func(c net.Conn) {
		r := bufio.NewReader(c)
		r.ReadString('\n')
		io.WriteString(c, "REJECTED EXTERNAL\r\n")
		r.ReadString('\n')
	})
	if _, err := Dial(getenv); !errors.Is(err, ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
}

func TestBusHangsUp(t *testing.T) {
	getenv := fakeBus(t, func(c net.Conn) {})
	if _, err := Dial(getenv); !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v, want ErrClosed", err)
	}
}

func FuzzParseAddresses(f *testing.F) {
	for _, s := range []string{
		"unix:path=/run/user/1000/bus",
		"unix:abstract=/tmp/dbus-x,guid=00;tcp:host=h,port=1",
		"unix:path=/a%20b%2c;unix:tmpdir=/tmp",
		"unix:path=%", "::;;,=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, a := range ParseAddresses(s) {
			if a.Path == "" {
				t.Fatalf("ParseAddresses(%q) returned an empty path", s)
			}
		}
	})
}

// TestPipelined: DialPipelined sends AUTH, BEGIN, Hello and the first
// call without waiting; the answers come back in order.
func TestPipelined(t *testing.T) {
	getenv := fakeBus(t, func(c net.Conn) {
		r := bufio.NewReader(c)
		if !serveAuth(t, c, r) {
			return
		}
		for serial := uint32(1); ; serial++ {
			m, err := readMsg(r)
			if err != nil {
				return
			}
			body := m.Body
			if m.Member == "Hello" {
				body = []any{":1.7"}
			}
			send(t, c, &Message{Type: TypeMethodReturn, Serial: serial, ReplySerial: m.Serial, Body: body})
		}
	})
	c, err := DialPipelined(context.Background(), getenv)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := c.Batch(context.Background(), []Call{
		{Dest: "d.e", Path: "/o", Iface: "i.f", Method: "Echo", Args: []any{"one"}},
		{Dest: "d.e", Path: "/o", Iface: "i.f", Method: "Echo", Args: []any{"two"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Body[0] != "one" || got[1].Body[0] != "two" {
		t.Fatalf("replies %#v", got)
	}
	if c.UniqueName() != ":1.7" {
		t.Errorf("UniqueName = %q", c.UniqueName())
	}
}

// TestPipelinedAuthRejected: the rejection surfaces from the first call.
func TestPipelinedAuthRejected(t *testing.T) {
	getenv := fakeBus(t, func(c net.Conn) {
		r := bufio.NewReader(c)
		r.ReadString('\n')
		io.WriteString(c, "REJECTED EXTERNAL\r\n")
		io.Copy(io.Discard, r)
	})
	c, err := DialPipelined(context.Background(), getenv)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Call(context.Background(), "d.e", "/o", "i.f", "Echo"); !errors.Is(err, ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
}
