// Package eks is the front end's side of `assume eks`: kubectl's exec
// credential protocol (KUBERNETES_EXEC_INFO in, an ExecCredential out), the
// token's expiry rules and its cache key. It imports no SDK and no net:
// the token itself is signed by assume-aws (internal/ekssdk), and a cached
// one is served from here alone.
package eks

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The ExecCredential API versions kubectl may ask for.
const (
	V1Beta1 = "client.authentication.k8s.io/v1beta1"
	V1      = "client.authentication.k8s.io/v1"
)

// ExecInfoEnv is the variable through which kubectl describes the call.
const ExecInfoEnv = "KUBERNETES_EXEC_INFO"

// Lifetime is how long EKS honours a token after signing; Reported is the
// expiry told to kubectl (as the AWS CLI does), which then asks again.
const (
	Lifetime = 15 * time.Minute
	Reported = 14 * time.Minute
)

// ExecInfo is what kubectl says about the call.
type ExecInfo struct {
	APIVersion string
	// Interactive is spec.interactive: kubectl gave the plugin its
	// terminal. Known says whether kubectl said anything at all.
	Interactive, Known bool
}

// UnknownAPIVersionError is an ExecCredential version we do not speak.
type UnknownAPIVersionError struct{ Version string }

func (e *UnknownAPIVersionError) Error() string {
	v := e.Version
	if len(v) > 80 || strings.ContainsAny(v, "\n\r\x1b") {
		v = v[:min(len(v), 80)]
		v = strings.Map(func(r rune) rune {
			if r < ' ' {
				return '?'
			}
			return r
		}, v)
	}
	return fmt.Sprintf("%s asks for ExecCredential apiVersion %q; assume speaks %s and %s", ExecInfoEnv, v, V1Beta1, V1)
}

// Hint says what to change.
func (e *UnknownAPIVersionError) Hint() string {
	return "set the kubeconfig user's exec apiVersion to " + V1Beta1 + " (assume eks kubeconfig writes it)"
}

// ParseExecInfo reads KUBERNETES_EXEC_INFO's value: empty means v1beta1
// and nothing known; JSON that is not an ExecCredential, or one of an
// unknown apiVersion, is refused.
func ParseExecInfo(s string) (ExecInfo, error) {
	if strings.TrimSpace(s) == "" {
		return ExecInfo{APIVersion: V1Beta1}, nil
	}
	var v struct {
		Kind       string `json:"kind"`
		APIVersion string `json:"apiVersion"`
		Spec       struct {
			Interactive bool `json:"interactive"`
		} `json:"spec"`
	}
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return ExecInfo{}, fmt.Errorf("%s is not JSON", ExecInfoEnv)
	}
	if v.Kind != "" && v.Kind != "ExecCredential" {
		return ExecInfo{}, fmt.Errorf("%s describes a %.40q, not an ExecCredential", ExecInfoEnv, v.Kind)
	}
	switch v.APIVersion {
	case "":
		v.APIVersion = V1Beta1
	case V1Beta1, V1:
	default:
		return ExecInfo{}, &UnknownAPIVersionError{Version: v.APIVersion}
	}
	return ExecInfo{APIVersion: v.APIVersion, Interactive: v.Spec.Interactive, Known: true}, nil
}

// Credential is the ExecCredential kubectl reads from the plugin's stdout.
func Credential(apiVersion, token string, expires time.Time) ([]byte, error) {
	type status struct {
		ExpirationTimestamp string `json:"expirationTimestamp"`
		Token               string `json:"token"`
	}
	b, err := json.Marshal(struct {
		Kind       string   `json:"kind"`
		APIVersion string   `json:"apiVersion"`
		Spec       struct{} `json:"spec"`
		Status     status   `json:"status"`
	}{"ExecCredential", apiVersion, struct{}{}, status{expires.UTC().Format(time.RFC3339), token}})
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Expires is the expiry to report for a token signed at signed with
// credentials expiring at creds (zero: never): 14 minutes after signing,
// or a minute before the credentials die when that is sooner.
func Expires(signed, creds time.Time) time.Time {
	exp := signed.Add(Reported)
	if !creds.IsZero() && creds.Add(-time.Minute).Before(exp) {
		exp = creds.Add(-time.Minute)
	}
	return exp
}

// CacheKey names a token in the cache: whose credentials (a plan's cache
// key, or the environment's access key id), for which cluster, region and
// role on top.
func CacheKey(who, cluster, region, roleARN string) string {
	h := sha256.New()
	for _, s := range []string{"assume/eks.Token/v1", who, cluster, region, roleARN} {
		h.Write(binary.AppendUvarint(nil, uint64(len(s))))
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
