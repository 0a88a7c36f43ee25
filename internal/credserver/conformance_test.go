package credserver

import (
	"encoding/json"
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/conformance"
)

type ecsCase struct {
	Docs   string            `json:"docs"`
	Env    map[string]string `json:"env"`
	Result struct {
		Ok            string
		ErrorContains string
	} `json:"result"`
}

// resolveContainerURI is the SDKs' reading of the container variables, as
// the suite specifies it: the relative URI wins; a full URI needs a host,
// and over plain http one of the loopback or ECS/EKS addresses.
func resolveContainerURI(env map[string]string) (string, error) {
	if rel := env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]; rel != "" {
		return "http://169.254.170.2" + rel, nil
	}
	full := env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
	if full == "" {
		return "", errors.New("No environment variables were set to configure ECS provider")
	}
	u, err := url.Parse(full)
	if err != nil || u.Host == "" {
		return "", errors.New("URI did not specify a host")
	}
	if u.Scheme == "https" {
		return full, nil
	}
	host := u.Hostname()
	if host == "localhost" {
		return full, nil
	}
	ip, err := netip.ParseAddr(host)
	if err == nil && (ip.IsLoopback() || ip.String() == "169.254.170.2" || ip.String() == "169.254.170.23" || ip.String() == "fd00:ec2::23") {
		return full, nil
	}
	return "", errors.New("unsupported host " + host)
}

// TestConformanceECS checks, with the cross-SDK suite for the container
// variables, that whatever the parent's environment says, the child that
// ChildEnv prepares resolves to our server.
func TestConformanceECS(t *testing.T) {
	path := "ecs-tests.json"
	data := conformance.Read(t, path)
	var suite struct{ Tests []ecsCase }
	if err := json.Unmarshal(data, &suite); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(suite.Tests) == 0 {
		t.Fatalf("%s: no tests", path)
	}
	p := &fakeProvider{now: time.Now, lifetime: time.Hour}
	s := newServer(t, p.get, Options{})
	for _, tc := range suite.Tests {
		t.Run(tc.Docs, func(t *testing.T) {
			// First the resolver agrees with the suite...
			got, err := resolveContainerURI(tc.Env)
			switch {
			case tc.Result.ErrorContains != "":
				if err == nil || !strings.Contains(err.Error(), tc.Result.ErrorContains) {
					t.Fatalf("resolved %q, %v; want error %q", got, err, tc.Result.ErrorContains)
				}
			case err != nil || got != tc.Result.Ok:
				t.Fatalf("resolved %q, %v; want %q", got, err, tc.Result.Ok)
			}
			// ...then a child of a parent with this environment finds us.
			var parent []string
			for k, v := range tc.Env {
				parent = append(parent, k+"="+v)
			}
			child := map[string]string{}
			for _, kv := range s.ChildEnv(parent) {
				k, v, _ := strings.Cut(kv, "=")
				child[k] = v
			}
			if got, err := resolveContainerURI(child); err != nil || got != s.URL() {
				t.Errorf("child resolves %q, %v; want %q", got, err, s.URL())
			}
		})
	}
}
