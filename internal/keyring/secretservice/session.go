//go:build linux

package secretservice

// This file is the transfer encryption of Secret Service sessions. With
// "dh-ietf1024-sha256-aes128-cbc-pkcs7" the two sides agree on an AES key
// by Diffie-Hellman in the 1024-bit MODP group of RFC 2409 (generator 2);
// the key is HKDF-SHA256 of the shared secret (big-endian, padded to the
// prime's 128 bytes; no salt, no info), 16 bytes. Each secret then travels
// as (session, iv, AES-128-CBC(PKCS#7-padded value), content type). With
// "plain" it travels as is.

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"math/big"

	"github.com/assume-cli/assume/internal/dbus"
)

const (
	algDH    = "dh-ietf1024-sha256-aes128-cbc-pkcs7"
	algPlain = "plain"
)

// oakley2Hex is the 1024-bit MODP group prime of RFC 2409, section 6.2. It
// is parsed when a session needs it (oakley2), not in a package
// initialiser: every start of assume would pay for it.
const oakley2Hex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
	"29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
	"E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381" +
	"FFFFFFFFFFFFFFFF"

// oakley2 returns the prime (a new value each time: callers may not
// change a shared one by mistake).
func oakley2() *big.Int {
	p, _ := new(big.Int).SetString(oakley2Hex, 16)
	return p
}

const primeBytes = 128

// transfer encodes and decodes secrets for one session. A nil key means
// the plain algorithm.
type transfer struct {
	key []byte
}

// dhOffer makes a private exponent and the public value to send.
func dhOffer() (priv *big.Int, pub []byte, err error) {
	// x in [2, p-2]
	p := oakley2()
	limit := new(big.Int).Sub(p, big.NewInt(3))
	x, err := rand.Int(rand.Reader, limit)
	if err != nil {
		return nil, nil, err
	}
	x.Add(x, big.NewInt(2))
	y := new(big.Int).Exp(big.NewInt(2), x, p)
	return x, y.FillBytes(make([]byte, primeBytes)), nil
}

// dhKey derives the session key from the peer's public value.
func dhKey(priv *big.Int, peer []byte) ([]byte, error) {
	p := oakley2()
	y := new(big.Int).SetBytes(peer)
	if y.Cmp(big.NewInt(1)) <= 0 || y.Cmp(new(big.Int).Sub(p, big.NewInt(1))) >= 0 {
		return nil, errors.New("invalid Diffie-Hellman public value from the service")
	}
	shared := new(big.Int).Exp(y, priv, p).FillBytes(make([]byte, primeBytes))
	return hkdf.Key(sha256.New, shared, nil, "", 16)
}

// encode returns the (oayays) secret struct for value.
func (t transfer) encode(session dbus.ObjectPath, value []byte) (dbus.Struct, error) {
	if t.key == nil {
		if value == nil {
			value = []byte{}
		}
		return dbus.Struct{session, []byte{}, value, contentType}, nil
	}
	block, err := aes.NewCipher(t.key)
	if err != nil {
		return nil, err
	}
	iv := make([]byte, aes.BlockSize)
	if _, err := rand.Read(iv); err != nil {
		return nil, err
	}
	n := aes.BlockSize - len(value)%aes.BlockSize
	buf := make([]byte, len(value)+n)
	copy(buf, value)
	for i := len(value); i < len(buf); i++ {
		buf[i] = byte(n)
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(buf, buf)
	return dbus.Struct{session, iv, buf, contentType}, nil
}

var errBadSecret = errors.New("the service sent a secret that does not decrypt")

// decode returns the value of a secret struct (fields already checked to
// be parameters and value byte slices).
func (t transfer) decode(params, value []byte) ([]byte, error) {
	if t.key == nil {
		return value, nil
	}
	if len(params) != aes.BlockSize || len(value) == 0 || len(value)%aes.BlockSize != 0 {
		return nil, errBadSecret
	}
	block, err := aes.NewCipher(t.key)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, len(value))
	cipher.NewCBCDecrypter(block, params).CryptBlocks(buf, value)
	n := int(buf[len(buf)-1])
	if n == 0 || n > aes.BlockSize || !bytes.Equal(buf[len(buf)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return nil, errBadSecret
	}
	return buf[:len(buf)-n], nil
}
