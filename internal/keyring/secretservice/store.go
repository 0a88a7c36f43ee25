//go:build linux

package secretservice

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/assume-cli/assume/internal/dbus"
	"github.com/assume-cli/assume/internal/vault"
)

const (
	busName       = "org.freedesktop.secrets"
	servicePath   = dbus.ObjectPath("/org/freedesktop/secrets")
	ifaceService  = "org.freedesktop.Secret.Service"
	ifaceColl     = "org.freedesktop.Secret.Collection"
	ifaceItem     = "org.freedesktop.Secret.Item"
	ifacePrompt   = "org.freedesktop.Secret.Prompt"
	ifaceProps    = "org.freedesktop.DBus.Properties"
	aliasPrefix   = "/org/freedesktop/secrets/aliases/"
	noPrompt      = dbus.ObjectPath("/")
	contentType   = "application/octet-stream"
	errIsLocked   = "org.freedesktop.Secret.Error.IsLocked"
	errNoSuchObj  = "org.freedesktop.Secret.Error.NoSuchObject"
	dbusErrPrefix = "org.freedesktop.DBus.Error."
)

// DefaultCollection is the object path of the "default" alias, the
// collection used when Options.Collection is empty.
const DefaultCollection = aliasPrefix + "default"

const (
	hintLocked = "unlock your login keyring, e.g. by logging in to the desktop or with `gnome-keyring-daemon --unlock`"
	hintNoColl = "the keyring has no default collection; create one (e.g. with Seahorse, \"Passwords and Keys\") or log in to the desktop once"
	hintNoSvc  = "no Secret Service (such as gnome-keyring or KeePassXC) is running on the session bus"
)

// Options configures Open. The zero value is usable.
type Options struct {
	// Service is stored in every item's "service" attribute and scopes
	// the store: stores with different services never see each other's
	// items. Default "assume".
	Service string
	// Collection is the object path of the collection items are written
	// to and read from. An alias path (/org/freedesktop/secrets/aliases/X)
	// is resolved once per connection. Default DefaultCollection.
	Collection string
	// Timeout bounds each D-Bus call (and connecting). Default 3s.
	Timeout time.Duration
	// Getenv reads DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR. Default
	// os.Getenv.
	Getenv func(string) string
	// Encrypt asks for a "dh-ietf1024-sha256-aes128-cbc-pkcs7" session, so
	// that secrets cross the bus AES-encrypted, hidden from bus monitors.
	// It costs two 1024-bit Diffie-Hellman exchanges per Open (about 5 ms
	// with gnome-keyring, more than the rest of Open and Get together),
	// so the default is a "plain" session. A service that does not offer
	// the algorithm makes Open fail with vault.ErrUnavailable.
	Encrypt bool
}

// Store is a vault.Store kept in the Secret Service. It is safe for
// concurrent use; operations are serialised over one bus connection, which
// is re-established after a transport error.
type Store struct {
	opts Options

	mu      sync.Mutex
	conn    *dbus.Conn
	session dbus.ObjectPath
	xfer    transfer        // how secrets cross the bus in this session
	coll    dbus.ObjectPath // resolved collection, "" until known
}

var _ vault.Store = (*Store)(nil)

// Available reports whether a session bus address exists and, for a socket
// path, the socket is there. It makes no round trip, so a true result does
// not promise that a Secret Service answers.
func Available(getenv func(string) string) bool {
	return dbus.HasSessionBus(getenv)
}

// Open connects to the session bus and opens a Secret Service session.
// Errors wrap vault.ErrUnavailable (no bus, no Secret Service) or
// vault.ErrTimeout.
func Open(opts Options) (*Store, error) {
	if opts.Service == "" {
		opts.Service = "assume"
	}
	if opts.Collection == "" {
		opts.Collection = DefaultCollection
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 3 * time.Second
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	s := &Store{opts: opts}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.connect(); err != nil {
		return nil, wrap("open", "", err)
	}
	return s, nil
}

// Close closes the bus connection, which also ends the session.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}

// connect dials the bus and opens a session, "plain" unless
// Options.Encrypt. The bus is a private per-user socket, so a plain secret
// is seen only by processes of the same user.
func (s *Store) connect() error {
	if s.conn != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
	defer cancel()
	conn, err := dbus.DialPipelined(ctx, s.opts.Getenv)
	if err != nil {
		return err
	}
	s.conn, s.session, s.coll = conn, "", ""
	// The first call must not be OpenSession: gnome-keyring-daemon (at
	// least 42 to 50) sets up its record of a new client while handling
	// that client's first message, and a first call that needs the record
	// (OpenSession, SearchItems, ...) now and then finds it missing and
	// aborts the whole daemon ("gkd_secret_service_get_pkcs11_session:
	// assertion 'client' failed"). ReadAlias needs no record, and we want
	// the collection anyway. In tests this turned about one crash per few
	// hundred connections into none in 16,000.
	//
	// The bus's Hello and ReadAlias go out in one write (dbus.Batch). Only
	// then OpenSession: sent in the same write it brought the crash back
	// about once in 24,000 connections in the stress test.
	alias, isAlias := strings.CutPrefix(s.opts.Collection, aliasPrefix)
	if !isAlias {
		alias = "default"
	}
	replies, err := s.conn.Batch(ctx, []dbus.Call{
		{Dest: busName, Path: servicePath, Iface: ifaceService, Method: "ReadAlias", Args: []any{alias}},
	})
	if err != nil {
		s.drop()
		return err
	}
	if err := replies[0].Err; err != nil {
		s.drop()
		return err
	}
	if p, _ := index[dbus.ObjectPath](replies[0].Body, 0); isAlias && p != "" && p != noPrompt {
		s.coll = p
	}
	var priv *big.Int
	algorithm, input := algPlain, dbus.MakeVariant("")
	if s.opts.Encrypt {
		p, pub, err := dhOffer()
		if err != nil {
			s.drop()
			return err
		}
		priv, algorithm, input = p, algDH, dbus.MakeVariant(pub)
	}
	out, err := s.call(servicePath, ifaceService, "OpenSession", algorithm, input)
	if err := s.sessionReply(priv, out, err); err != nil {
		s.drop()
		return err
	}
	return nil
}

// sessionReply takes the answer to OpenSession.
func (s *Store) sessionReply(priv *big.Int, out []any, err error) error {
	var key []byte
	if s.opts.Encrypt {
		if dbus.IsError(err, dbusErrPrefix+"NotSupported") {
			return unavailable{"the service does not offer " + algDH, "use a Secret Service that supports encrypted sessions, or turn encryption off"}
		}
		if err == nil {
			v, _ := index[dbus.Variant](out, 0)
			peer, _ := v.Value.([]byte)
			if key, err = dhKey(priv, peer); err != nil {
				return err
			}
		}
	}
	if err != nil {
		return err
	}
	session, ok := index[dbus.ObjectPath](out, 1)
	if !ok {
		return errors.New("unexpected OpenSession reply")
	}
	s.session, s.xfer = session, transfer{key: key}
	return nil
}

func (s *Store) drop() {
	if s.conn != nil {
		s.conn.Close()
	}
	s.conn, s.session, s.coll = nil, "", ""
}

// call makes one bounded D-Bus call to the Secret Service. After a
// transport error (not an error reply) the connection is dropped, so that
// the next operation dials again.
func (s *Store) call(path dbus.ObjectPath, iface, method string, args ...any) ([]any, error) {
	if s.conn == nil {
		return nil, dbus.ErrClosed
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
	defer cancel()
	out, err := s.conn.Call(ctx, busName, path, iface, method, args...)
	if err != nil {
		var de *dbus.Error
		if !errors.As(err, &de) {
			s.drop()
		}
	}
	return out, err
}

// index returns out[i] as a T.
func index[T any](out []any, i int) (T, bool) {
	var zero T
	if i >= len(out) {
		return zero, false
	}
	v, ok := out[i].(T)
	return v, ok
}

// paths converts a decoded "ao" to object paths.
func paths(v any) []dbus.ObjectPath {
	l, _ := v.([]any)
	out := make([]dbus.ObjectPath, 0, len(l))
	for _, e := range l {
		if p, ok := e.(dbus.ObjectPath); ok {
			out = append(out, p)
		}
	}
	return out
}

// op runs f with the store locked and connected, and maps its error.
func (s *Store) op(name, key string, f func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.connect(); err != nil {
		return wrap(name, key, err)
	}
	if err := f(); err != nil {
		return wrap(name, key, err)
	}
	return nil
}

func checkKey(key string) error {
	if key == "" {
		return vault.ErrEmptyKey
	}
	if !utf8.ValidString(key) || strings.IndexByte(key, 0) >= 0 {
		return errors.New("secret service: key is not valid UTF-8 text")
	}
	return nil
}

// collection resolves the configured collection, reading an alias once.
func (s *Store) collection() (dbus.ObjectPath, error) {
	if s.coll != "" {
		return s.coll, nil
	}
	c := s.opts.Collection
	if alias, ok := strings.CutPrefix(c, aliasPrefix); ok {
		out, err := s.call(servicePath, ifaceService, "ReadAlias", alias)
		if err != nil {
			return "", err
		}
		p, _ := index[dbus.ObjectPath](out, 0)
		if p == "" || p == noPrompt {
			return "", unavailable{fmt.Sprintf("collection alias %q does not exist", alias), hintNoColl}
		}
		s.coll = p
		return p, nil
	}
	s.coll = dbus.ObjectPath(c)
	return s.coll, nil
}

// search returns the unlocked and locked items of our collection that
// match attrs.
func (s *Store) search(attrs map[string]string) (unlocked, lockedItems []dbus.ObjectPath, err error) {
	coll, err := s.collection()
	if err != nil {
		return nil, nil, err
	}
	out, err := s.call(servicePath, ifaceService, "SearchItems", attrs)
	if err != nil {
		return nil, nil, err
	}
	if len(out) != 2 {
		return nil, nil, errors.New("unexpected SearchItems reply")
	}
	elsewhere := func(p dbus.ObjectPath) bool { return !strings.HasPrefix(string(p), string(coll)+"/") }
	unlocked = slices.DeleteFunc(paths(out[0]), elsewhere)
	lockedItems = slices.DeleteFunc(paths(out[1]), elsewhere)
	return unlocked, lockedItems, nil
}

func (s *Store) itemAttrs(key string) map[string]string {
	return map[string]string{"service": s.opts.Service, "key": key}
}

// unlock asks the service to unlock items without user interaction. A
// prompt means the user would have to type a password: it is dismissed,
// never run, and the result is ErrLocked.
func (s *Store) unlock(items []dbus.ObjectPath) ([]dbus.ObjectPath, error) {
	out, err := s.call(servicePath, ifaceService, "Unlock", items)
	if err != nil {
		return nil, err
	}
	if len(out) != 2 {
		return nil, errors.New("unexpected Unlock reply")
	}
	if err := s.checkPrompt(out[1]); err != nil {
		return nil, err
	}
	return paths(out[0]), nil
}

// checkPrompt turns a prompt returned by the service into ErrLocked.
func (s *Store) checkPrompt(v any) error {
	p, _ := v.(dbus.ObjectPath)
	if p == "" || p == noPrompt {
		return nil
	}
	s.call(p, ifacePrompt, "Dismiss") //nolint:errcheck // best effort; the locked error matters
	return locked{"the keyring wants a password prompt"}
}

// Get returns the value stored under key.
func (s *Store) Get(key string) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	var value []byte
	err := s.op("get", key, func() error {
		unlocked, lockedItems, err := s.search(s.itemAttrs(key))
		if err != nil {
			return err
		}
		if len(unlocked) == 0 && len(lockedItems) > 0 {
			if unlocked, err = s.unlock(lockedItems[:1]); err != nil {
				return err
			}
		}
		if len(unlocked) == 0 {
			return vault.ErrNotFound
		}
		out, err := s.call(unlocked[0], ifaceItem, "GetSecret", s.session)
		if err != nil {
			return err
		}
		secret, _ := index[dbus.Struct](out, 0)
		if len(secret) != 4 {
			return errors.New("unexpected GetSecret reply")
		}
		params, _ := secret[1].([]byte)
		enc, ok := secret[2].([]byte)
		if !ok {
			return errors.New("unexpected GetSecret reply")
		}
		value, err = s.xfer.decode(params, enc)
		return err
	})
	return value, err
}

// Set stores data under key, replacing the previous value.
func (s *Store) Set(key string, data []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}
	return s.op("set", key, func() error {
		coll, err := s.collection()
		if err != nil {
			return err
		}
		attrs := s.itemAttrs(key)
		attrs["application"] = "assume"
		props := map[string]dbus.Variant{
			ifaceItem + ".Label":      dbus.MakeVariant("assume: " + key),
			ifaceItem + ".Attributes": dbus.MakeVariant(attrs),
		}
		secret, err := s.xfer.encode(s.session, data)
		if err != nil {
			return err
		}
		out, err := s.call(coll, ifaceColl, "CreateItem", props, secret, true)
		if err != nil {
			return err
		}
		if len(out) != 2 {
			return errors.New("unexpected CreateItem reply")
		}
		return s.checkPrompt(out[1])
	})
}

// Delete removes key.
func (s *Store) Delete(key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	return s.op("delete", key, func() error {
		unlocked, lockedItems, err := s.search(s.itemAttrs(key))
		if err != nil {
			return err
		}
		if len(lockedItems) > 0 {
			return locked{"the item is in a locked collection"}
		}
		if len(unlocked) == 0 {
			return vault.ErrNotFound
		}
		for _, item := range unlocked {
			out, err := s.call(item, ifaceItem, "Delete")
			if err != nil {
				if dbus.IsError(err, errNoSuchObj) || dbus.IsError(err, dbusErrPrefix+"UnknownObject") {
					continue // deleted meanwhile
				}
				return err
			}
			if len(out) != 1 {
				return errors.New("unexpected Delete reply")
			}
			if err := s.checkPrompt(out[0]); err != nil {
				return err
			}
		}
		return nil
	})
}

// List returns our keys that start with prefix, sorted.
func (s *Store) List(prefix string) ([]string, error) {
	var keys []string
	err := s.op("list", prefix, func() error {
		unlocked, lockedItems, err := s.search(map[string]string{"service": s.opts.Service})
		if err != nil {
			return err
		}
		if len(lockedItems) > 0 {
			return locked{"some items are in a locked collection"}
		}
		for _, item := range unlocked {
			out, err := s.call(item, ifaceProps, "Get", ifaceItem, "Attributes")
			if err != nil {
				if dbus.IsError(err, errNoSuchObj) || dbus.IsError(err, dbusErrPrefix+"UnknownObject") {
					continue
				}
				return err
			}
			v, _ := index[dbus.Variant](out, 0)
			attrs, _ := v.Value.(map[any]any)
			k, _ := attrs["key"].(string)
			if k != "" && strings.HasPrefix(k, prefix) {
				keys = append(keys, k)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(keys)
	return slices.Compact(keys), nil
}
