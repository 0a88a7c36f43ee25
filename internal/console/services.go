package console

import (
	"slices"
	"strings"
	"unicode/utf8"

	sugg "github.com/assume-cli/assume/internal/suggest"
)

// Service is one entry of the table of console shortcuts.
type Service struct {
	// Name is the shortcut given to --service.
	Name string
	// Path is the console path, optionally with a #fragment.
	Path string
	// Global services take no region parameter.
	Global bool
	// Title is a short human description.
	Title string
}

// services is the documented table of service shortcuts, sorted by name.
var services = []Service{
	{Name: "acm", Path: "/acm/home", Title: "Certificate Manager"},
	{Name: "apigateway", Path: "/apigateway/home", Title: "API Gateway"},
	{Name: "athena", Path: "/athena/home", Title: "Athena"},
	{Name: "billing", Path: "/billing/home", Global: true, Title: "Billing and Cost Management"},
	{Name: "cloudformation", Path: "/cloudformation/home", Title: "CloudFormation"},
	{Name: "cloudfront", Path: "/cloudfront/v4/home", Global: true, Title: "CloudFront"},
	{Name: "cloudtrail", Path: "/cloudtrail/home", Title: "CloudTrail"},
	{Name: "cloudwatch", Path: "/cloudwatch/home", Title: "CloudWatch"},
	{Name: "codebuild", Path: "/codesuite/codebuild/home", Title: "CodeBuild"},
	{Name: "codepipeline", Path: "/codesuite/codepipeline/home", Title: "CodePipeline"},
	{Name: "console", Path: "/console/home", Title: "Console home"},
	{Name: "dynamodb", Path: "/dynamodbv2/home", Title: "DynamoDB"},
	{Name: "ec2", Path: "/ec2/home", Title: "EC2"},
	{Name: "ecr", Path: "/ecr/home", Title: "Elastic Container Registry"},
	{Name: "ecs", Path: "/ecs/home", Title: "Elastic Container Service"},
	{Name: "eks", Path: "/eks/home", Title: "Elastic Kubernetes Service"},
	{Name: "elasticache", Path: "/elasticache/home", Title: "ElastiCache"},
	{Name: "eventbridge", Path: "/events/home", Title: "EventBridge"},
	{Name: "glue", Path: "/glue/home", Title: "Glue"},
	{Name: "guardduty", Path: "/guardduty/home", Title: "GuardDuty"},
	{Name: "iam", Path: "/iam/home", Global: true, Title: "IAM"},
	{Name: "kinesis", Path: "/kinesis/home", Title: "Kinesis"},
	{Name: "kms", Path: "/kms/home", Title: "Key Management Service"},
	{Name: "lambda", Path: "/lambda/home", Title: "Lambda"},
	{Name: "logs", Path: "/cloudwatch/home#logsV2:log-groups", Title: "CloudWatch Logs"},
	{Name: "organizations", Path: "/organizations/v2/home", Global: true, Title: "Organizations"},
	{Name: "rds", Path: "/rds/home", Title: "RDS"},
	{Name: "route53", Path: "/route53/v2/home", Global: true, Title: "Route 53"},
	{Name: "s3", Path: "/s3/home", Title: "S3"},
	{Name: "secretsmanager", Path: "/secretsmanager/home", Title: "Secrets Manager"},
	{Name: "sns", Path: "/sns/v3/home", Title: "SNS"},
	{Name: "sqs", Path: "/sqs/v3/home", Title: "SQS"},
	{Name: "ssm", Path: "/systems-manager/home", Title: "Systems Manager"},
	{Name: "sso", Path: "/singlesignon/home", Title: "IAM Identity Center"},
	{Name: "stepfunctions", Path: "/states/home", Title: "Step Functions"},
	{Name: "vpc", Path: "/vpc/home", Title: "VPC"},
}

// Services returns the table of service shortcuts, sorted by name.
func Services() []Service { return slices.Clone(services) }

// LookupService returns the shortcut called name (case-insensitive).
func LookupService(name string) (Service, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	i, ok := slices.BinarySearchFunc(services, n, func(s Service, n string) int { return strings.Compare(s.Name, n) })
	if !ok {
		return Service{}, false
	}
	return services[i], true
}

// UnknownServiceError is returned for a service shortcut not in the table.
type UnknownServiceError struct {
	// Name is the shortcut as given.
	Name string
	// Suggestions are the closest known shortcuts, best first (maybe none).
	Suggestions []string
}

func (e *UnknownServiceError) Error() string {
	msg := "unknown console service " + quoteShort(e.Name)
	if len(e.Suggestions) > 0 {
		msg += " (did you mean " + strings.Join(e.Suggestions, ", ") + "?)"
	}
	return msg
}

// quoteShort quotes s, cutting very long input so that an error message
// stays readable.
func quoteShort(s string) string {
	const limit = 64
	r := []rune(s)
	if len(r) > limit {
		s = string(r[:limit]) + "…"
	}
	return strconvQuote(s)
}

// suggest returns up to three shortcuts within a small edit distance of name,
// closest first (ties in table order), plus any shortcut that name is a
// prefix of.
func suggest(name string) []string {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" || utf8.RuneCountInString(n) > 64 {
		return nil
	}
	names := make([]string, len(services))
	for i, s := range services {
		names[i] = s.Name
	}
	return sugg.All(n, names, sugg.Options{
		Prefix: 2,
		Within: func(n, _ string) int { return max(1, min(3, utf8.RuneCountInString(n)/2)) },
		Max:    3,
	})
}
