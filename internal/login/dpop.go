package login

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/signin"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// dpopProof is an RFC 9449 proof for one request: a JWS (ES256, the public
// key in the header) over the method, the URL (no query) and the time,
// with a fresh id. Coordinates are padded to 32 bytes as RFC 7518 wants.
func dpopProof(key *ecdsa.PrivateKey, method, htu string, now time.Time) (string, error) {
	enc := base64.RawURLEncoding
	hdr, err := json.Marshal(map[string]any{"typ": "dpop+jwt", "alg": "ES256", "jwk": map[string]string{
		"kty": "EC", "crv": "P-256",
		"x": enc.EncodeToString(key.X.FillBytes(make([]byte, 32))),
		"y": enc.EncodeToString(key.Y.FillBytes(make([]byte, 32))),
	}})
	if err != nil {
		return "", err
	}
	jti, err := uuid4()
	if err != nil {
		return "", err
	}
	pay, err := json.Marshal(map[string]any{"htm": method, "htu": htu, "iat": now.Unix(), "jti": jti})
	if err != nil {
		return "", err
	}
	msg := enc.EncodeToString(hdr) + "." + enc.EncodeToString(pay)
	sum := sha256.Sum256([]byte(msg))
	r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
	if err != nil {
		return "", fmt.Errorf("signing the DPoP proof: %w", err)
	}
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	return msg + "." + enc.EncodeToString(sig), nil
}

func uuid4() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// withDPoP signs every attempt of a signin call with a new proof (a retry
// must not reuse a jti).
func withDPoP(key *ecdsa.PrivateKey, now func() time.Time) func(*signin.Options) {
	return signin.WithAPIOptions(func(stack *middleware.Stack) error {
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("assumeDPoP",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				req, ok := in.Request.(*smithyhttp.Request)
				if !ok {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("unexpected transport %T", in.Request)
				}
				u := *req.URL
				u.RawQuery, u.Fragment = "", ""
				proof, err := dpopProof(key, req.Method, u.String(), now())
				if err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				req.Header.Set("DPoP", proof)
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	})
}
