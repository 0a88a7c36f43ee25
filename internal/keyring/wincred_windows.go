package keyring

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/assume-cli/assume/internal/vault"
)

// The Windows Credential Manager is first choice on Windows (see
// DefaultOrder). Items are generic credentials with target name
// "<service>:<encoded key>" prefixed by "assume:", e.g.
// "assume:assume:creds_2f_prod", persisted for the local machine.
func init() {
	Register(Backend{Name: WinCred, Open: openWinCred, Available: func(Options) bool { return procCredReadW.Find() == nil }})
}

var (
	advapi32             = windows.NewLazySystemDLL("advapi32.dll")
	procCredReadW        = advapi32.NewProc("CredReadW")
	procCredWriteW       = advapi32.NewProc("CredWriteW")
	procCredDeleteW      = advapi32.NewProc("CredDeleteW")
	procCredEnumerateW   = advapi32.NewProc("CredEnumerateW")
	procCredFree         = advapi32.NewProc("CredFree")
	errWinCredNotFound   = windows.ERROR_NOT_FOUND
	errWinCredNoSession  = windows.ERROR_NO_SUCH_LOGON_SESSION
	winCredMaxBlob       = 5 * 512   // CRED_MAX_CREDENTIAL_BLOB_SIZE
	credTypeGeneric      = uint32(1) // CRED_TYPE_GENERIC
	credPersistLocalMach = uint32(2) // CRED_PERSIST_LOCAL_MACHINE
)

// credential mirrors CREDENTIALW.
type credential struct {
	Flags              uint32
	Type               uint32
	TargetName         *uint16
	Comment            *uint16
	LastWritten        windows.Filetime
	CredentialBlobSize uint32
	CredentialBlob     *byte
	Persist            uint32
	AttributeCount     uint32
	Attributes         uintptr
	TargetAlias        *uint16
	UserName           *uint16
}

type wincredStore struct {
	prefix string // "assume:<service>:"
}

func openWinCred(opts Options) (vault.Store, error) {
	if err := procCredReadW.Find(); err != nil {
		return nil, &Error{Backend: WinCred, Op: "open", Err: fmt.Errorf("%v: %w", err, vault.ErrUnavailable), Hint: "set " + EnvBackend + "=file"}
	}
	return &wincredStore{prefix: "assume:" + opts.Service + ":"}, nil
}

func wincredErr(op string, err error) error {
	switch {
	case errors.Is(err, errWinCredNotFound):
		return vault.ErrNotFound
	case errors.Is(err, errWinCredNoSession):
		return &Error{Backend: WinCred, Op: op, Err: fmt.Errorf("%v: %w", err, vault.ErrUnavailable),
			Hint: "this logon session has no credential store (e.g. a service or network logon); set " + EnvBackend + "=file"}
	}
	return &Error{Backend: WinCred, Op: op, Err: err}
}

// Get implements vault.Store.
func (s *wincredStore) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, vault.ErrEmptyKey
	}
	target, err := windows.UTF16PtrFromString(s.prefix + encodeKey(key))
	if err != nil {
		return nil, err
	}
	var c *credential
	r, _, e := procCredReadW.Call(uintptr(unsafe.Pointer(target)), uintptr(credTypeGeneric), 0, uintptr(unsafe.Pointer(&c)))
	if r == 0 {
		return nil, wincredErr("get", e)
	}
	defer procCredFree.Call(uintptr(unsafe.Pointer(c)))
	return slices.Clone(unsafe.Slice(c.CredentialBlob, c.CredentialBlobSize)), nil
}

// Set implements vault.Store.
func (s *wincredStore) Set(key string, data []byte) error {
	if key == "" {
		return vault.ErrEmptyKey
	}
	if len(data) > winCredMaxBlob {
		return &Error{Backend: WinCred, Op: "set", Err: fmt.Errorf("value of %d bytes exceeds the Credential Manager limit of %d", len(data), winCredMaxBlob),
			Hint: "set " + EnvBackend + "=file for larger items"}
	}
	target, err := windows.UTF16PtrFromString(s.prefix + encodeKey(key))
	if err != nil {
		return err
	}
	user, _ := windows.UTF16PtrFromString(key)
	c := credential{Type: credTypeGeneric, TargetName: target, Persist: credPersistLocalMach, UserName: user, CredentialBlobSize: uint32(len(data))}
	if len(data) > 0 {
		c.CredentialBlob = &data[0]
	}
	r, _, e := procCredWriteW.Call(uintptr(unsafe.Pointer(&c)), 0)
	if r == 0 {
		return wincredErr("set", e)
	}
	return nil
}

// Delete implements vault.Store.
func (s *wincredStore) Delete(key string) error {
	if key == "" {
		return vault.ErrEmptyKey
	}
	target, err := windows.UTF16PtrFromString(s.prefix + encodeKey(key))
	if err != nil {
		return err
	}
	r, _, e := procCredDeleteW.Call(uintptr(unsafe.Pointer(target)), uintptr(credTypeGeneric), 0)
	if r == 0 {
		return wincredErr("delete", e)
	}
	return nil
}

// List implements vault.Store.
func (s *wincredStore) List(prefix string) ([]string, error) {
	filter, err := windows.UTF16PtrFromString(s.prefix + "*")
	if err != nil {
		return nil, err
	}
	var (
		count uint32
		creds **credential
	)
	r, _, e := procCredEnumerateW.Call(uintptr(unsafe.Pointer(filter)), 0, uintptr(unsafe.Pointer(&count)), uintptr(unsafe.Pointer(&creds)))
	if r == 0 {
		if errors.Is(e, errWinCredNotFound) {
			return nil, nil
		}
		return nil, wincredErr("list", e)
	}
	defer procCredFree.Call(uintptr(unsafe.Pointer(creds)))
	var keys []string
	for _, c := range unsafe.Slice(creds, count) {
		if c.Type != credTypeGeneric {
			continue
		}
		name, ok := strings.CutPrefix(windows.UTF16PtrToString(c.TargetName), s.prefix)
		if !ok {
			continue
		}
		if k, err := decodeKey(name); err == nil && strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys, nil
}
