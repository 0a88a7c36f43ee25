package awsemu

// EKS: DescribeCluster and ListClusters (rest-json, SigV4 service "eks")
// from the world's eks_clusters, and a stand-in for a cluster's API server
// (ClusterAPI): it takes `Authorization: Bearer k8s-aws-v1.<base64url of a
// presigned sts:GetCallerIdentity URL>`, verifies the URL's signature and
// its signed x-k8s-aws-id header against the emulator's own identities as
// EKS does (honoured for 15 minutes after signing, whatever X-Amz-Expires
// says), and answers /version, /api and /apis like a Kubernetes API server.

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// EKSCluster is an EKS cluster of the world.
type EKSCluster struct {
	Name string `json:"name"`
	// Account owns the cluster; empty: the world's first account.
	Account string `json:"account,omitempty"`
	// Region is where it lives; empty: us-east-1.
	Region string `json:"region,omitempty"`
	// Endpoint is its API server URL; empty: the cluster API stand-in
	// serving it (ClusterAPI, SetClusterAPI).
	Endpoint string `json:"endpoint,omitempty"`
	// CertificateAuthority is the base64 PEM of the CA of Endpoint; empty:
	// the stand-in's.
	CertificateAuthority string `json:"certificate_authority,omitempty"`
}

// EKSTokenLifetime is how long after signing EKS honours a token.
const EKSTokenLifetime = 15 * time.Minute

// eksTokenPrefix starts an EKS bearer token.
const eksTokenPrefix = "k8s-aws-v1."

// eksClusterHeader binds a token to a cluster.
const eksClusterHeader = "x-k8s-aws-id"

var eksService = restService{name: "eks"}

var clusterNameRe = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$`)

// eksState is where the stand-ins listen (set by their starter): a URL
// per cluster name, one CA.
type eksState struct {
	urls map[string]string
	ca   string
}

func compileEKS(w *World, ix *index) error {
	seen := map[string]bool{}
	for i := range w.EKSClusters {
		c := &w.EKSClusters[i]
		f := "eks_clusters[" + itoa(i) + "]"
		if !clusterNameRe.MatchString(c.Name) {
			return worldErr(f+".name", "%q is not an EKS cluster name", c.Name)
		}
		if c.Account == "" && len(w.Accounts) > 0 {
			c.Account = w.Accounts[0].ID
		}
		if ix.accounts[c.Account] == nil {
			return worldErr(f+".account", "%q is not an account of the world", c.Account)
		}
		if c.Region == "" {
			c.Region = "us-east-1"
		}
		k := c.Account + "/" + c.Region + "/" + c.Name
		if seen[k] {
			return worldErr(f+".name", "duplicate cluster %s in %s", c.Name, c.Region)
		}
		seen[k] = true
		if c.CertificateAuthority != "" {
			if _, err := base64.StdEncoding.DecodeString(c.CertificateAuthority); err != nil {
				return worldErr(f+".certificate_authority", "not base64")
			}
		}
	}
	return nil
}

// SetClusterAPI tells the emulator where the cluster API stand-in of
// cluster (ClusterAPI) is served, and the PEM of its CA. Clusters without
// an endpoint of their own are described with these.
func (s *Server) SetClusterAPI(cluster, url string, caPEM []byte) {
	s.mu.Lock()
	if s.eks.urls == nil {
		s.eks.urls = map[string]string{}
	}
	s.eks.urls[cluster] = strings.TrimRight(url, "/")
	s.eks.ca = base64.StdEncoding.EncodeToString(caPEM)
	s.mu.Unlock()
}

func (s *Server) eksRoutes() {
	s.mux.HandleFunc("GET /clusters", s.serveREST(eksService, "ListClusters", s.listClusters))
	s.mux.HandleFunc("GET /clusters/{name}", s.serveREST(eksService, "DescribeCluster", s.describeCluster))
}

// eksCaller authenticates an EKS call and returns its account and region.
func (s *Server) eksCaller(c *restCall) (account, region string, e *apiError) {
	p, e := s.authenticate(c.r, c.body, "eks", c.now)
	if e != nil {
		return "", "", e
	}
	sr, e := parseSigV4(c.r)
	if e != nil {
		return "", "", e
	}
	return p.account, sr.Region, nil
}

func (s *Server) listClusters(c *restCall) (any, *apiError) {
	account, region, e := s.eksCaller(c)
	if e != nil {
		return nil, e
	}
	names := []string{}
	for _, cl := range s.ix.world.EKSClusters {
		if cl.Account == account && cl.Region == region {
			names = append(names, cl.Name)
		}
	}
	return map[string]any{"clusters": names}, nil
}

func (s *Server) describeCluster(c *restCall) (any, *apiError) {
	account, region, e := s.eksCaller(c)
	if e != nil {
		return nil, e
	}
	name := c.r.PathValue("name")
	for _, cl := range s.ix.world.EKSClusters {
		if cl.Account != account || cl.Region != region || cl.Name != name {
			continue
		}
		s.mu.Lock()
		endpoint, ca := cl.Endpoint, cl.CertificateAuthority
		if endpoint == "" {
			endpoint = s.eks.urls[cl.Name]
		}
		if ca == "" {
			ca = s.eks.ca
		}
		s.mu.Unlock()
		arn := "arn:aws:eks:" + region + ":" + account + ":cluster/" + cl.Name
		return map[string]any{"cluster": map[string]any{
			"name": cl.Name, "arn": arn, "endpoint": endpoint, "status": "ACTIVE", "version": "1.31",
			"certificateAuthority": map[string]string{"data": ca},
			"createdAt":            1.7e9,
		}}, nil
	}
	return nil, newAPIError(http.StatusNotFound, "ResourceNotFoundException", "No cluster found for name: "+truncate(name, 100)+".")
}

// ClusterAPI is the handler of the API server stand-in of cluster; serve
// it over HTTPS (one listener per cluster: kubectl asks for absolute paths
// such as /version) and tell the emulator with SetClusterAPI. Every
// request needs a token for cluster.
func (s *Server) ClusterAPI(cluster string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		key := "eks-api:Authenticate"
		arn, aerr := s.checkEKSToken(r, cluster)
		s.count(key, aerr)
		s.logCall(key, newRequestID(), aerr, time.Since(start))
		if aerr != nil {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
				"status": "Failure", "message": "Unauthorized", "reason": "Unauthorized", "code": http.StatusUnauthorized})
			return
		}
		w.Header().Set("X-Awsemu-Identity", arn)
		switch r.URL.Path {
		case "/version":
			writeJSON(w, http.StatusOK, map[string]string{"major": "1", "minor": "31", "gitVersion": "v1.31.0-eks-awsemu",
				"gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z",
				"goVersion": "go1.26", "compiler": "gc", "platform": "linux/amd64"})
		case "/api":
			writeJSON(w, http.StatusOK, map[string]any{"kind": "APIVersions", "versions": []string{"v1"},
				"serverAddressByClientCIDRs": []map[string]string{{"clientCIDR": "0.0.0.0/0", "serverAddress": r.Host}}})
		case "/apis":
			writeJSON(w, http.StatusOK, map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": []any{}})
		default:
			writeJSON(w, http.StatusNotFound, map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
				"status": "Failure", "message": "the server could not find the requested resource", "reason": "NotFound", "code": http.StatusNotFound})
		}
	})
}

// checkEKSToken verifies the bearer token of r for cluster and returns the
// caller's ARN; the error's reason says why a token was refused.
func (s *Server) checkEKSToken(r *http.Request, cluster string) (string, *apiError) {
	deny := func(reason string) *apiError { return errAccessDenied("Unauthorized").withReason(reason) }
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return "", deny("no bearer token")
	}
	enc, ok := strings.CutPrefix(tok, eksTokenPrefix)
	if !ok {
		return "", deny("the token does not start with " + eksTokenPrefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return "", deny("the token is not unpadded base64url")
	}
	u, err := url.Parse(string(raw))
	if err != nil || u.Host == "" || (u.Path != "/" && u.Path != "") {
		return "", deny("the token holds no STS URL")
	}
	q := u.Query()
	if q.Get("Action") != "GetCallerIdentity" || q.Get("Version") != "2011-06-15" {
		return "", deny("the token's URL is not sts:GetCallerIdentity")
	}
	sr, aerr := parsePresigned(q)
	if aerr != nil {
		return "", deny("the token's URL is not presigned: " + aerr.Message)
	}
	if !slices.Contains(sr.SignedHeaders, eksClusterHeader) || !slices.Contains(sr.SignedHeaders, "host") {
		return "", deny("the token does not sign host and " + eksClusterHeader)
	}
	now := s.now()
	if age := now.Sub(sr.Time); age > EKSTokenLifetime {
		return "", deny("the token was signed " + age.Round(time.Second).String() + " ago, more than 15 minutes")
	} else if age < -time.Duration(s.ix.maxSkewSeconds())*time.Second {
		return "", deny("the token was signed in the future")
	}
	// The request EKS replays to STS: the URL, with the cluster this
	// server is as the x-k8s-aws-id header (a token for another cluster
	// fails the signature).
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return "", deny("the token's URL is unusable")
	}
	req.Host = u.Host
	req.Header.Set(eksClusterHeader, cluster)
	// Signed within the 15 minutes: judge the signature at its own time
	// (X-Amz-Expires is not EKS's rule) and the session at the real one.
	p, aerr := s.authenticate(req, nil, "sts", sr.Time)
	if aerr != nil {
		return "", deny("STS refused the token's signature: " + aerr.Code + " " + aerr.reason)
	}
	if sess, ok := s.lookupSession(sr.AccessKeyID); ok && !now.Before(sess.expiration) {
		return "", deny("the session " + sr.AccessKeyID + " that signed the token expired at " + sess.expiration.Format(time.RFC3339))
	}
	return p.arn, nil
}
