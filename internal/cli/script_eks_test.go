package cli_test

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/secretstore"
)

// kubectlCondition is [kubectl]: a kubectl to run (PATH, else the one
// scripts/install-test-deps.sh builds into $XDG_CACHE_HOME or ~/.cache).
// Under CI a missing kubectl fails the script instead of skipping it.
func kubectlCondition() (bool, error) {
	if p, err := exec.LookPath("kubectl"); err == nil && p != "" {
		return true, nil
	}
	if os.Getenv("CI") == "true" {
		return false, errors.New("kubectl is missing under CI: scripts/install-test-deps.sh installs it")
	}
	return false, nil
}

// eksexpire: make every cached EKS token expire within the cache's
// margin, so that the next `assume eks token` signs a new one.
func cmdEKSExpire(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: eksexpire")
	}
	st, err := secretstore.Cache(secretstore.Options{Getenv: ts.Getenv})
	ts.Check(err)
	keys, err := st.List("eks/")
	ts.Check(err)
	if len(keys) == 0 {
		ts.Fatalf("eksexpire: no cached EKS token")
	}
	for _, k := range keys {
		b, err := st.Get(k)
		ts.Check(err)
		var m map[string]any
		ts.Check(json.Unmarshal(b, &m))
		m["exp"] = time.Now().Add(cache.EKSTokenMargin / 2).UTC().Format(time.RFC3339Nano)
		b, err = json.Marshal(m)
		ts.Check(err)
		ts.Check(st.Set(k, b))
	}
}

// tokenShape is what an ExecCredential's EKS token says, without secrets.
type tokenShape struct {
	APIVersion string
	Host, Path string
	Params     []string // query parameter names, sorted
	Signed     string   // X-Amz-SignedHeaders
	Expires    string   // X-Amz-Expires
	Scope      string   // X-Amz-Credential less the key id and date
	KeyID      string
	Lifetime   time.Duration // expirationTimestamp - X-Amz-Date
	token      string
}

func readTokenShape(ts *testscript.TestScript, file string) tokenShape {
	var ec struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Status     struct {
			Token string    `json:"token"`
			Exp   time.Time `json:"expirationTimestamp"`
		} `json:"status"`
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(file)), &ec))
	if ec.Kind != "ExecCredential" {
		ts.Fatalf("%s: kind %q", file, ec.Kind)
	}
	enc, ok := strings.CutPrefix(ec.Status.Token, "k8s-aws-v1.")
	if !ok {
		ts.Fatalf("%s: not an EKS token", file)
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	ts.Check(err)
	u, err := url.Parse(string(raw))
	ts.Check(err)
	q := u.Query()
	sh := tokenShape{APIVersion: ec.APIVersion, Host: u.Host, Path: u.Path, Signed: q.Get("X-Amz-SignedHeaders"), Expires: q.Get("X-Amz-Expires"), token: ec.Status.Token}
	for k := range q {
		sh.Params = append(sh.Params, k)
	}
	sort.Strings(sh.Params)
	if sh.Path == "" {
		sh.Path = "/"
	}
	parts := strings.SplitN(q.Get("X-Amz-Credential"), "/", 3)
	if len(parts) == 3 {
		sh.KeyID, sh.Scope = parts[0], parts[2]
	}
	signed, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	ts.Check(err)
	sh.Lifetime = ec.Status.Exp.Sub(signed)
	return sh
}

// ekstokens [-samekey] A B: the ExecCredentials in files A and B hold EKS
// tokens of the same shape: STS host and path, query parameter names,
// signed headers, X-Amz-Expires, credential scope (-samekey: and the key
// that signed them), and an expiry 14 minutes after signing (within a
// minute for the clocks).
func cmdEKSTokens(ts *testscript.TestScript, neg bool, args []string) {
	sameKey := len(args) > 0 && args[0] == "-samekey"
	if sameKey {
		args = args[1:]
	}
	if neg || len(args) != 2 {
		ts.Fatalf("usage: ekstokens [-samekey] A B")
	}
	a, b := readTokenShape(ts, args[0]), readTokenShape(ts, args[1])
	for _, s := range []tokenShape{a, b} {
		if s.Lifetime < 13*time.Minute || s.Lifetime > 15*time.Minute {
			ts.Fatalf("expiry %s after signing, want 14m", s.Lifetime)
		}
	}
	a.Lifetime, b.Lifetime, a.token, b.token = 0, 0, "", ""
	if !sameKey {
		a.KeyID, b.KeyID = "", ""
	}
	if !reflect.DeepEqual(a, b) {
		ts.Fatalf("tokens differ in shape:\n%+v\n%+v", a, b)
	}
	ts.Logf("same shape: %+v", a)
}

// eksaccept FILE CLUSTER: the cluster API stand-in of CLUSTER accepts the
// token of the ExecCredential in FILE ($EKS_API_<CLUSTER>/version).
func cmdEKSAccept(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: eksaccept FILE CLUSTER")
	}
	s := readTokenShape(ts, args[0])
	base := ts.Getenv("EKS_API_" + strings.ToUpper(args[1]))
	req, err := http.NewRequest(http.MethodGet, base+"/version", nil)
	ts.Check(err)
	req.Header.Set("Authorization", "Bearer "+s.token)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, Timeout: 5 * time.Second}
	resp, err := c.Do(req)
	ts.Check(err)
	resp.Body.Close()
	if (resp.StatusCode == http.StatusOK) == neg {
		ts.Fatalf("the stand-in of %s answered %d", args[1], resp.StatusCode)
	}
}
