// Package ekssdk is what assume-aws does for `assume eks` through the
// official AWS SDK: the EKS bearer token (a GetCallerIdentity URL presigned
// with the SDK's SigV4 signer) and DescribeCluster / ListClusters. Only
// internal/awsmain imports it.
package ekssdk

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/assume-cli/assume/internal/exitcode"
)

// TokenPrefix starts every EKS bearer token.
const TokenPrefix = "k8s-aws-v1."

// ClusterHeader is the signed header that binds a token to one cluster.
const ClusterHeader = "x-k8s-aws-id"

// URLExpiry is the X-Amz-Expires of the presigned URL, as the AWS CLI and
// aws-iam-authenticator sign it; EKS itself honours a token for 15
// minutes after signing whatever it says.
const URLExpiry = 60

// legacyGlobal are the regions whose STS calls went to the global endpoint
// under sts_regional_endpoints = legacy.
var legacyGlobal = map[string]bool{
	"ap-northeast-1": true, "ap-south-1": true, "ap-southeast-1": true, "ap-southeast-2": true,
	"aws-global": true, "ca-central-1": true, "eu-central-1": true, "eu-north-1": true, "eu-west-1": true,
	"eu-west-2": true, "eu-west-3": true, "sa-east-1": true, "us-east-1": true, "us-east-2": true,
	"us-west-1": true, "us-west-2": true,
}

// Global reports whether STS calls of region go to sts.amazonaws.com:
// sts_regional_endpoints (AWS_STS_REGIONAL_ENDPOINTS, else the profile's)
// says legacy and region is one of the regions that had no regional
// endpoint by default.
func Global(setting, region string) bool {
	return setting == "legacy" && legacyGlobal[region]
}

// Token presigns sts:GetCallerIdentity for cluster with cfg (its
// credentials, HTTP client, and endpoint from the environment:
// AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL) in region and returns the bearer
// token and its signing time. global signs for the global endpoint
// (sts_regional_endpoints = legacy) unless an endpoint is configured.
func Token(ctx context.Context, cfg aws.Config, region, cluster string, global bool) (string, time.Time, error) {
	if cluster == "" {
		return "", time.Time{}, errors.New("no cluster name to sign the token for")
	}
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.Region = region
		if global && o.BaseEndpoint == nil {
			o.Region = "us-east-1"
			o.BaseEndpoint = aws.String("https://sts.amazonaws.com")
		}
	})
	pc := sts.NewPresignClient(client, func(po *sts.PresignOptions) {
		po.ClientOptions = append(po.ClientOptions, func(o *sts.Options) {
			// Both are hoisted into the query by the presigner except
			// the cluster header, which stays a signed header.
			o.APIOptions = append(o.APIOptions,
				smithyhttp.SetHeaderValue(ClusterHeader, cluster),
				smithyhttp.SetHeaderValue("X-Amz-Expires", fmt.Sprint(URLExpiry)))
		})
	})
	req, err := pc.PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("signing the EKS token: %w", err)
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("signing the EKS token: %v", err)
	}
	signed, err := time.Parse("20060102T150405Z", u.Query().Get("X-Amz-Date"))
	if err != nil {
		return "", time.Time{}, errors.New("signing the EKS token: the presigned URL has no X-Amz-Date")
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(req.URL)), signed, nil
}

// Cluster is what kubeconfig needs of a cluster.
type Cluster struct {
	Name, ARN, Endpoint string
	CAData              string // base64 PEM
}

// NotFoundError is a cluster that EKS does not know in the region.
type NotFoundError struct{ Name, Region string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("EKS has no cluster %q in %s", e.Name, e.Region)
}

// Hint says how to see the cluster names.
func (e *NotFoundError) Hint() string {
	return "check the name and --region; aws eks list-clusters --region " + e.Region + " lists them"
}

// ExitCode is that of a configuration error.
func (e *NotFoundError) ExitCode() int { return exitcode.Config }

// Describe returns the named clusters, or every cluster ListClusters
// returns when all is true.
func Describe(ctx context.Context, cfg aws.Config, region string, names []string, all bool) ([]Cluster, error) {
	client := eks.NewFromConfig(cfg, func(o *eks.Options) { o.Region = region })
	if all {
		p := eks.NewListClustersPaginator(client, &eks.ListClustersInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("EKS ListClusters in %s: %w", region, err)
			}
			names = append(names, page.Clusters...)
		}
	}
	out := make([]Cluster, 0, len(names))
	for _, n := range names {
		resp, err := client.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(n)})
		var nf *ekstypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			return nil, &NotFoundError{Name: n, Region: region}
		}
		if err != nil {
			return nil, fmt.Errorf("EKS DescribeCluster %s in %s: %w", n, region, err)
		}
		c := resp.Cluster
		if c == nil || aws.ToString(c.Endpoint) == "" {
			return nil, fmt.Errorf("EKS cluster %s in %s has no endpoint yet (still creating?)", n, region)
		}
		cl := Cluster{Name: n, ARN: aws.ToString(c.Arn), Endpoint: aws.ToString(c.Endpoint)}
		if c.CertificateAuthority != nil {
			cl.CAData = aws.ToString(c.CertificateAuthority.Data)
		}
		out = append(out, cl)
	}
	return out, nil
}
