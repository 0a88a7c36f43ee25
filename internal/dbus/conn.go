//go:build linux

package dbus

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// DefaultTimeout bounds Dial and calls whose context has no deadline.
const DefaultTimeout = 25 * time.Second

// Address is one connectable session bus address: a socket path, or an
// abstract socket name when Abstract is set.
type Address struct {
	Path     string
	Abstract bool
}

// ParseAddresses returns the connectable entries of a D-Bus address list
// ("unix:path=/run/user/1000/bus;unix:abstract=/tmp/dbus-x"), in order.
// Entries of other transports, listen-only entries and entries with bad
// escapes are skipped.
func ParseAddresses(list string) []Address {
	var out []Address
	for entry := range strings.SplitSeq(list, ";") {
		transport, params, ok := strings.Cut(entry, ":")
		if !ok || transport != "unix" {
			continue
		}
		var addr *Address
		bad := false
		for kv := range strings.SplitSeq(params, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				bad = true
				break
			}
			val, err := unescape(v)
			if err != nil {
				bad = true
				break
			}
			switch k {
			case "path":
				addr = &Address{Path: val}
			case "abstract":
				addr = &Address{Path: val, Abstract: true}
			}
		}
		if !bad && addr != nil && addr.Path != "" {
			out = append(out, *addr)
		}
	}
	return out
}

// unescape decodes the %xx escapes of an address value.
func unescape(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", errors.New("truncated escape")
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", err
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String(), nil
}

// SessionAddresses returns the session bus addresses from
// DBUS_SESSION_BUS_ADDRESS, or $XDG_RUNTIME_DIR/bus when it is unset.
func SessionAddresses(getenv func(string) string) []Address {
	if getenv == nil {
		getenv = os.Getenv
	}
	if v := getenv("DBUS_SESSION_BUS_ADDRESS"); v != "" {
		return ParseAddresses(v)
	}
	if dir := getenv("XDG_RUNTIME_DIR"); dir != "" {
		return []Address{{Path: dir + "/bus"}}
	}
	return nil
}

// HasSessionBus reports, without connecting, whether a session bus address
// is configured and, for a socket path, whether a socket is there.
func HasSessionBus(getenv func(string) string) bool {
	for _, a := range SessionAddresses(getenv) {
		if a.Abstract {
			return true
		}
		if fi, err := os.Stat(a.Path); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return true
		}
	}
	return false
}

// Conn is a connection to a message bus. Calls are serialised: one call is
// in flight at a time. A timeout or I/O error breaks the connection; later
// calls then fail with ErrClosed and the caller dials again.
type Conn struct {
	mu     sync.Mutex
	fd     int
	broken error // non-nil once the connection is unusable
	serial uint32
	name   string
	rbuf   []byte // bytes read but not yet consumed
	hello  bool   // Hello is still to be sent (with the first call)
	// authPending: AUTH and BEGIN were sent without waiting (DialPipelined);
	// the bus's OK is read before the first replies.
	authPending bool
}

// Dial connects to the session bus (see SessionAddresses) and
// authenticates, within DefaultTimeout. The bus's Hello goes out with the
// first call, in the same write, saving a round trip.
func Dial(getenv func(string) string) (*Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	return DialContext(ctx, getenv)
}

// DialContext is Dial bounded by ctx. Errors wrap ErrNoBus when there is no
// bus to connect to, ErrTimeout when the bus did not answer in time.
func DialContext(ctx context.Context, getenv func(string) string) (*Conn, error) {
	return dial(ctx, getenv, false)
}

// DialPipelined is DialContext without waiting for the bus to accept the
// authentication: AUTH and BEGIN go out at once and the bus's answer is
// read together with the replies to the first call, as sd-bus does. It
// saves a round trip; an authentication failure then surfaces from the
// first call (wrapping ErrAuth) instead of from the dial.
func DialPipelined(ctx context.Context, getenv func(string) string) (*Conn, error) {
	return dial(ctx, getenv, true)
}

func dial(ctx context.Context, getenv func(string) string, pipelined bool) (*Conn, error) {
	addrs := SessionAddresses(getenv)
	if len(addrs) == 0 {
		return nil, fmt.Errorf("%w: DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR are unset or unusable", ErrNoBus)
	}
	var errs []error
	for _, a := range addrs {
		c, err := dialAddress(ctx, a, pipelined)
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
		if errors.Is(err, ErrTimeout) || ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

func dialAddress(ctx context.Context, a Address, pipelined bool) (*Conn, error) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("dbus: creating socket: %w", err)
	}
	name := a.Path
	if a.Abstract {
		name = "@" + name
	}
	c := &Conn{fd: fd}
	if err := c.connect(ctx, name); err != nil {
		unix.Close(fd)
		return nil, err
	}
	if pipelined {
		uid := hex.EncodeToString([]byte(strconv.Itoa(os.Getuid())))
		if err := c.write(ctx, []byte("\x00AUTH EXTERNAL "+uid+"\r\nBEGIN\r\n")); err != nil {
			c.Close()
			return nil, fmt.Errorf("dbus: auth: %w", err)
		}
		c.authPending = true
	} else if err := c.auth(ctx); err != nil {
		c.Close()
		return nil, err
	}
	c.hello = true // sent with the first call (see Batch)
	return c, nil
}

func (c *Conn) connect(ctx context.Context, name string) error {
	err := unix.Connect(c.fd, &unix.SockaddrUnix{Name: name})
	if err == unix.EINPROGRESS || err == unix.EINTR {
		if err = c.wait(ctx, unix.POLLOUT); err != nil {
			return err
		}
		var so int
		if so, err = unix.GetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_ERROR); err == nil && so != 0 {
			err = unix.Errno(so)
		}
	}
	if err != nil {
		return fmt.Errorf("%w: connecting to %s: %w", ErrNoBus, name, err)
	}
	return nil
}

// auth runs the SASL EXTERNAL exchange.
func (c *Conn) auth(ctx context.Context) error {
	uid := hex.EncodeToString([]byte(strconv.Itoa(os.Getuid())))
	if err := c.write(ctx, []byte("\x00AUTH EXTERNAL "+uid+"\r\n")); err != nil {
		return fmt.Errorf("dbus: auth: %w", err)
	}
	line, err := c.readLine(ctx)
	if err != nil {
		return fmt.Errorf("dbus: auth: %w", err)
	}
	if !bytes.HasPrefix(line, []byte("OK ")) {
		c.write(ctx, []byte("CANCEL\r\n")) //nolint:errcheck // we fail anyway
		return fmt.Errorf("%w: server said %q", ErrAuth, firstWord(line))
	}
	if err := c.write(ctx, []byte("BEGIN\r\n")); err != nil {
		return fmt.Errorf("dbus: auth: %w", err)
	}
	return nil
}

func firstWord(b []byte) string {
	w, _, _ := strings.Cut(string(b), " ")
	if len(w) > 32 {
		w = w[:32]
	}
	return w
}

// readLine reads one CRLF-terminated auth line, without the CRLF.
func (c *Conn) readLine(ctx context.Context) ([]byte, error) {
	for {
		if i := bytes.Index(c.rbuf, []byte("\r\n")); i >= 0 {
			line := c.rbuf[:i]
			c.rbuf = c.rbuf[i+2:]
			return line, nil
		}
		if len(c.rbuf) > 4096 {
			return nil, errf("auth line too long")
		}
		if err := c.fill(ctx); err != nil {
			return nil, err
		}
	}
}

// UniqueName is the name the bus assigned to this connection.
func (c *Conn) UniqueName() string {
	c.mu.Lock()
	pending := c.hello
	c.mu.Unlock()
	if pending {
		c.Batch(context.Background(), nil) //nolint:errcheck // an error leaves the name empty
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.name
}

// Close closes the connection. It waits for a call in flight, which is
// bounded by that call's deadline.
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fd < 0 {
		return nil
	}
	err := unix.Close(c.fd)
	c.fd = -1
	if c.broken == nil {
		c.broken = ErrClosed
	}
	return err
}

// Call invokes method on the object path of dest and returns the reply's
// values, decoded as: y byte, b bool, n int16, q uint16, i int32, u uint32,
// x int64, t uint64, d float64, s string, o ObjectPath, g Signature,
// v Variant, ay []byte, other arrays []any, dicts map[any]any, structs
// Struct. The argument signature is inferred from args (see SignatureOf). The call is
// bounded by ctx's deadline, or DefaultTimeout if it has none; on timeout
// the error wraps ErrTimeout and the connection is closed. An error reply
// is returned as *Error.
func (c *Conn) Call(ctx context.Context, dest string, path ObjectPath, iface, method string, args ...any) ([]any, error) {
	r, err := c.Batch(ctx, []Call{{Dest: dest, Path: path, Iface: iface, Method: method, Args: args}})
	if err != nil {
		return nil, err
	}
	return r[0].Body, r[0].Err
}

// Call is one method call of a Batch.
type Call struct {
	Dest   string
	Path   ObjectPath
	Iface  string
	Method string
	Args   []any
}

// Reply is the answer to one call of a Batch: a body, or an *Error reply.
type Reply struct {
	Body []any
	Err  error
}

// Batch sends calls in one write and then waits for all their replies, so
// n calls cost one round trip instead of n; the bus and the services handle
// them in order. A transport error fails the whole batch (and closes the
// connection); an error reply fails only its call. The first call on a
// connection also carries the bus's Hello, which every client must send
// before anything else.
func (c *Conn) Batch(ctx context.Context, calls []Call) ([]Reply, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken != nil {
		return nil, fmt.Errorf("%w: %w", ErrClosed, c.broken)
	}
	if c.hello {
		calls = append([]Call{{Dest: "org.freedesktop.DBus", Path: "/org/freedesktop/DBus", Iface: "org.freedesktop.DBus", Method: "Hello"}}, calls...)
	}
	var buf []byte
	serials := make(map[uint32]int, len(calls))
	for i, call := range calls {
		c.serial++
		if c.serial == 0 {
			c.serial = 1
		}
		b, err := encodeMessage(&Message{
			Type:        TypeMethodCall,
			Serial:      c.serial,
			Path:        call.Path,
			Interface:   call.Iface,
			Member:      call.Method,
			Destination: call.Dest,
			Body:        call.Args,
		})
		if err != nil {
			return nil, fmt.Errorf("dbus: calling %s.%s: %w", call.Iface, call.Method, err)
		}
		buf = append(buf, b...)
		serials[c.serial] = i
	}
	if err := c.write(ctx, buf); err != nil {
		return nil, c.fail(err)
	}
	if c.authPending {
		line, err := c.readLine(ctx)
		if err != nil {
			return nil, c.fail(fmt.Errorf("dbus: auth: %w", err))
		}
		if !bytes.HasPrefix(line, []byte("OK ")) {
			return nil, c.fail(fmt.Errorf("%w: server said %q", ErrAuth, firstWord(line)))
		}
		c.authPending = false
	}
	replies := make([]Reply, len(calls))
	for left := len(calls); left > 0; {
		m, err := c.readMessage(ctx)
		if err != nil {
			return nil, c.fail(err)
		}
		i, ok := serials[m.ReplySerial]
		if !ok || (m.Type != TypeMethodReturn && m.Type != TypeError) {
			continue // a signal, or a late reply to an abandoned call
		}
		delete(serials, m.ReplySerial)
		left--
		if m.Type == TypeError {
			e := &Error{Name: m.ErrorName}
			if len(m.Body) > 0 {
				e.Message, _ = m.Body[0].(string)
			}
			replies[i].Err = e
			continue
		}
		replies[i].Body = m.Body
	}
	if c.hello {
		c.hello = false
		if replies[0].Err != nil {
			return nil, c.fail(fmt.Errorf("dbus: hello: %w", replies[0].Err))
		}
		if len(replies[0].Body) == 1 {
			c.name, _ = replies[0].Body[0].(string)
		}
		replies = replies[1:]
	}
	return replies, nil
}

// fail marks the connection broken after a transport error and closes the
// socket, since a partly read or written message cannot be resynchronised.
func (c *Conn) fail(err error) error {
	if c.broken == nil {
		c.broken = err
	}
	if c.fd >= 0 {
		unix.Close(c.fd)
		c.fd = -1
	}
	return err
}

func (c *Conn) readMessage(ctx context.Context) (*Message, error) {
	for len(c.rbuf) < fixedHeader {
		if err := c.fill(ctx); err != nil {
			return nil, err
		}
	}
	n, err := messageLength(c.rbuf[:fixedHeader])
	if err != nil {
		return nil, err
	}
	for len(c.rbuf) < n {
		if err := c.fill(ctx); err != nil {
			return nil, err
		}
	}
	b := c.rbuf[:n]
	c.rbuf = c.rbuf[n:]
	if len(c.rbuf) == 0 {
		c.rbuf = nil
	}
	return decodeMessage(b)
}

// fill reads whatever is available (at least one byte) into rbuf.
func (c *Conn) fill(ctx context.Context) error {
	var chunk [8192]byte
	for {
		if c.fd < 0 {
			return ErrClosed
		}
		n, err := unix.Read(c.fd, chunk[:])
		switch {
		case err == unix.EAGAIN || err == unix.EINTR:
			if err := c.wait(ctx, unix.POLLIN); err != nil {
				return err
			}
		case err == unix.ECONNRESET:
			return fmt.Errorf("%w: the bus hung up: %w", ErrClosed, err)
		case err != nil:
			return fmt.Errorf("dbus: reading: %w", err)
		case n == 0:
			return fmt.Errorf("%w: the bus hung up", ErrClosed)
		default:
			c.rbuf = append(c.rbuf, chunk[:n]...)
			return nil
		}
	}
}

func (c *Conn) write(ctx context.Context, b []byte) error {
	for len(b) > 0 {
		if c.fd < 0 {
			return ErrClosed
		}
		n, err := unix.SendmsgN(c.fd, b, nil, nil, unix.MSG_NOSIGNAL)
		switch {
		case err == unix.EAGAIN || err == unix.EINTR:
			if err := c.wait(ctx, unix.POLLOUT); err != nil {
				return err
			}
		case err == unix.EPIPE || err == unix.ECONNRESET:
			return fmt.Errorf("%w: the bus hung up: %w", ErrClosed, err)
		case err != nil:
			return fmt.Errorf("dbus: writing: %w", err)
		default:
			b = b[n:]
		}
	}
	return nil
}

// wait polls the socket for events until ctx is done. It wakes every
// 100ms to notice a cancelled context.
func (c *Conn) wait(ctx context.Context, events int16) error {
	for {
		if err := ctx.Err(); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return ErrTimeout
			}
			return err
		}
		ms := 100
		if dl, ok := ctx.Deadline(); ok {
			left := time.Until(dl)
			ms = int(min(left, 100*time.Millisecond) / time.Millisecond)
			if left > 0 && ms == 0 {
				ms = 1
			}
		}
		if ms <= 0 {
			return ErrTimeout
		}
		fds := []unix.PollFd{{Fd: int32(c.fd), Events: events}}
		n, err := unix.Poll(fds, ms)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("dbus: poll: %w", err)
		}
		if n > 0 {
			return nil
		}
	}
}
