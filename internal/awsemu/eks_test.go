package awsemu

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// eksFixture serves the test world with two clusters of alice's account
// and their cluster API stand-ins over TLS.
func eksFixture(t *testing.T, clock *fakeClock) (*fixture, map[string]*httptest.Server) {
	t.Helper()
	w := testWorld(t)
	w.EKSClusters = []EKSCluster{{Name: "prod", Account: "111111111111", Region: "eu-west-1"}, {Name: "dev", Account: "111111111111", Region: "eu-west-1"}}
	opts := Options{}
	if clock != nil {
		opts.Now = clock.Now
	}
	f := newFixture(t, w, opts)
	apis := map[string]*httptest.Server{}
	for _, c := range w.EKSClusters {
		api := httptest.NewTLSServer(f.srv.ClusterAPI(c.Name))
		t.Cleanup(api.Close)
		f.srv.SetClusterAPI(c.Name, api.URL, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: api.Certificate().Raw}))
		apis[c.Name] = api
	}
	return f, apis
}

// presignFor is a token for cluster signed by alice at the emulator's STS.
func presignFor(t *testing.T, f *fixture, cluster string, at time.Time) string {
	t.Helper()
	pc := sts.NewPresignClient(f.client(aliceCreds(), 1), func(po *sts.PresignOptions) {
		po.ClientOptions = append(po.ClientOptions, func(o *sts.Options) {
			o.APIOptions = append(o.APIOptions, smithyhttp.SetHeaderValue("x-k8s-aws-id", cluster),
				smithyhttp.SetHeaderValue("X-Amz-Expires", "60"))
		})
	})
	req, err := pc.PresignGetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{}, func(po *sts.PresignOptions) {
		po.Presigner = signerAt{at}
	})
	if err != nil {
		t.Fatal(err)
	}
	return "k8s-aws-v1." + base64.RawURLEncoding.EncodeToString([]byte(req.URL))
}

// getVersion asks the stand-in for /version of cluster with tok.
func getVersion(t *testing.T, apis map[string]*httptest.Server, cluster, tok string) (int, string) {
	t.Helper()
	api := apis[cluster]
	req, _ := http.NewRequest(http.MethodGet, api.URL+"/version", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := api.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestEKSStandInAcceptsATokenForItsCluster(t *testing.T) {
	clock := &fakeClock{t: time.Now().UTC()}
	f, api := eksFixture(t, clock)
	tok := presignFor(t, f, "prod", clock.Now())
	if code, body := getVersion(t, api, "prod", tok); code != 200 || !strings.Contains(body, `"gitVersion": "v1.31.0-eks-awsemu"`) {
		t.Fatalf("/version: %d %s", code, body)
	}
	if code, _ := getVersion(t, api, "dev", tok); code != 401 {
		t.Errorf("a token for prod at dev: %d", code)
	}
	if code, _ := getVersion(t, api, "prod", tok[:len(tok)-4]+"AAAA"); code != 401 {
		t.Errorf("a damaged token: %d", code)
	}
	if code, _ := getVersion(t, api, "prod", "sometoken"); code != 401 {
		t.Errorf("not an EKS token: %d", code)
	}
	// Honoured past X-Amz-Expires, refused after 15 minutes.
	clock.Add(14 * time.Minute)
	if code, _ := getVersion(t, api, "prod", tok); code != 200 {
		t.Errorf("a 14-minute-old token: %d", code)
	}
	clock.Add(2 * time.Minute)
	if code, _ := getVersion(t, api, "prod", tok); code != 401 {
		t.Errorf("a 16-minute-old token: %d", code)
	}
	if got := f.srv.Counters().Calls("eks-api:Authenticate"); got != 6 {
		t.Errorf("stand-in counted %d calls", got)
	}
}

func TestEKSDescribeAndList(t *testing.T) {
	f, api := eksFixture(t, nil)
	c := eks.New(eks.Options{Region: "eu-west-1", BaseEndpoint: aws.String(f.url), Credentials: credentials.StaticCredentialsProvider{Value: aliceCreds()}})
	out, err := c.DescribeCluster(ctx(), &eks.DescribeClusterInput{Name: aws.String("prod")})
	if err != nil {
		t.Fatal(err)
	}
	cl := out.Cluster
	if aws.ToString(cl.Endpoint) != api["prod"].URL || aws.ToString(cl.Arn) != "arn:aws:eks:eu-west-1:111111111111:cluster/prod" {
		t.Errorf("cluster %s %s", aws.ToString(cl.Endpoint), aws.ToString(cl.Arn))
	}
	ca, err := base64.StdEncoding.DecodeString(aws.ToString(cl.CertificateAuthority.Data))
	if err != nil || !strings.HasPrefix(string(ca), "-----BEGIN CERTIFICATE-----") {
		t.Errorf("CA %q, %v", ca, err)
	}
	_, err = c.DescribeCluster(ctx(), &eks.DescribeClusterInput{Name: aws.String("nope")})
	var nf *ekstypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("unknown cluster: %v", err)
	}
	list, err := c.ListClusters(ctx(), &eks.ListClustersInput{})
	if err != nil || strings.Join(list.Clusters, ",") != "prod,dev" {
		t.Errorf("list %v, %v", list, err)
	}
	other := eks.New(eks.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.url), Credentials: credentials.StaticCredentialsProvider{Value: aliceCreds()}})
	if list, err := other.ListClusters(ctx(), &eks.ListClustersInput{}); err != nil || len(list.Clusters) != 0 {
		t.Errorf("another region: %v, %v", list, err)
	}
}

func TestEKSWorldChecks(t *testing.T) {
	for _, c := range []EKSCluster{{Name: "bad name"}, {Name: "x", Account: "999999999999"}, {Name: "x", CertificateAuthority: "%%"}} {
		w := ExampleWorld()
		w.EKSClusters = []EKSCluster{c}
		if _, err := New(w, Options{}); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

// signerAt presigns with the SDK's SigV4 signer at a fixed time (the
// emulator's fake clock).
type signerAt struct{ at time.Time }

func (s signerAt) PresignHTTP(ctx context.Context, c aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return v4.NewSigner().PresignHTTP(ctx, c, r, payloadHash, service, region, s.at, optFns...)
}
