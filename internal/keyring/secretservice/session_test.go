//go:build linux

package secretservice

import (
	"bytes"
	"errors"
	"testing"

	"github.com/assume-cli/assume/internal/keyring/keyringtest"
	"github.com/assume-cli/assume/internal/vault"
)

func TestTransferRoundTrip(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 16)
	for _, xf := range []transfer{{}, {key: key}} {
		for _, n := range []int{0, 1, 15, 16, 17, 1000} {
			value := bytes.Repeat([]byte{0xA5}, n)
			st, err := xf.encode("/s", value)
			if err != nil {
				t.Fatal(err)
			}
			params, enc := st[1].([]byte), st[2].([]byte)
			if xf.key != nil && (len(params) != 16 || len(enc)%16 != 0 || bytes.Contains(enc, value[:min(n, 16)]) && n >= 16) {
				t.Errorf("len %d: not encrypted: iv %d bytes, value %d bytes", n, len(params), len(enc))
			}
			got, err := xf.decode(params, enc)
			if err != nil || !bytes.Equal(got, value) {
				t.Errorf("key %v, len %d: round trip = %x, %v", xf.key != nil, n, got, err)
			}
		}
	}
}

func TestTransferBadSecret(t *testing.T) {
	xf := transfer{key: bytes.Repeat([]byte{7}, 16)}
	good, _ := xf.encode("/s", []byte("value"))
	iv, enc := good[1].([]byte), good[2].([]byte)
	tests := []struct {
		name      string
		iv, value []byte
	}{
		{"empty", iv, nil},
		{"short iv", iv[:8], enc},
		{"partial block", iv, enc[:len(enc)-1]},
		{"wrong key", iv, func() []byte {
			other, _ := transfer{key: bytes.Repeat([]byte{8}, 16)}.encode("/s", []byte("value"))
			return other[2].([]byte)
		}()},
	}
	for _, tt := range tests {
		if _, err := xf.decode(tt.iv, tt.value); !errors.Is(err, errBadSecret) {
			t.Errorf("%s: err = %v, want errBadSecret", tt.name, err)
		}
	}
}

func TestDHKeyRejectsBadPeer(t *testing.T) {
	priv, _, err := dhOffer()
	if err != nil {
		t.Fatal(err)
	}
	for _, peer := range [][]byte{nil, {1}, oakley2().Bytes()} {
		if _, err := dhKey(priv, peer); err == nil {
			t.Errorf("dhKey(%x) accepted", peer)
		}
	}
}

// TestEncryptedSession checks that Options.Encrypt gives an encrypted
// session with gnome-keyring, and runs the behaviour suite over it.
func TestEncryptedSession(t *testing.T) {
	s := startKeyring(t, "test-password")
	if st := s.open(t, Options{}); st.xfer.key != nil {
		t.Error("default session is encrypted, want plain")
	}
	keyringtest.Run(t, func(t *testing.T) vault.Store {
		st := s.open(t, Options{Service: uniqueService(), Encrypt: true})
		if st.xfer.key == nil {
			t.Fatal("session is plain, want " + algDH)
		}
		return st
	}, keyringtest.WithWriters(4, 3))
}
