package console

import "strings"

// Partition is an AWS partition with the hosts of its web console.
type Partition struct {
	// ID is the partition name used in ARNs: aws, aws-us-gov or aws-cn.
	ID string
	// SigninHost is the host of the federation endpoint.
	SigninHost string
	// ConsoleHost is the host of the web console.
	ConsoleHost string
	// DefaultRegion is used for regional services when no region is given.
	DefaultRegion string
}

// The partitions the console sign-in knows.
var (
	AWS = Partition{ID: "aws", SigninHost: "signin.aws.amazon.com",
		ConsoleHost: "console.aws.amazon.com", DefaultRegion: "us-east-1"}
	AWSUSGov = Partition{ID: "aws-us-gov", SigninHost: "signin.amazonaws-us-gov.com",
		ConsoleHost: "console.amazonaws-us-gov.com", DefaultRegion: "us-gov-west-1"}
	AWSCN = Partition{ID: "aws-cn", SigninHost: "signin.amazonaws.cn",
		ConsoleHost: "console.amazonaws.cn", DefaultRegion: "cn-north-1"}
)

// Partitions lists every known partition.
func Partitions() []Partition { return []Partition{AWS, AWSUSGov, AWSCN} }

// PartitionForRegion returns the partition a region belongs to: us-gov-*
// is aws-us-gov, cn-* is aws-cn and anything else (including "") is aws.
func PartitionForRegion(region string) Partition {
	r := strings.ToLower(strings.TrimSpace(region))
	switch {
	case strings.HasPrefix(r, "us-gov-"):
		return AWSUSGov
	case strings.HasPrefix(r, "cn-"):
		return AWSCN
	}
	return AWS
}

// PartitionByID returns the partition named id (aws, aws-us-gov, aws-cn).
func PartitionByID(id string) (Partition, bool) {
	for _, p := range Partitions() {
		if p.ID == id {
			return p, true
		}
	}
	return Partition{}, false
}

// FederationEndpoint is the partition's federation URL, e.g.
// https://signin.aws.amazon.com/federation.
func (p Partition) FederationEndpoint() string {
	return "https://" + p.SigninHost + "/federation"
}
