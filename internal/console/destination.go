package console

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// ValidRegion reports whether region has the shape of an AWS region name:
// two lower-case letters, one or more lower-case words, and a number, all
// joined by dashes (us-east-1, us-gov-west-1, cn-north-1). It is written
// by hand so that the front end needs no regexp package.
func ValidRegion(region string) bool {
	parts := strings.Split(region, "-")
	if len(parts) < 3 || len(parts[0]) != 2 {
		return false
	}
	for i, p := range parts {
		if p == "" {
			return false
		}
		for _, c := range []byte(p) {
			switch {
			case i == len(parts)-1 && c >= '0' && c <= '9':
			case i < len(parts)-1 && c >= 'a' && c <= 'z':
			default:
				return false
			}
		}
	}
	return true
}

func strconvQuote(s string) string { return strconv.Quote(s) }

// ErrServiceAndPath is returned by Destination when both a service shortcut
// and a destination path are given.
var ErrServiceAndPath = errors.New("give either a console service or a destination path, not both")

// Destination returns the console URL to land on after sign-in.
//
// partition is a partition ID ("" derives it from region). region ("" for
// none) is added as the region query parameter unless the destination
// already has one; regional service shortcuts fall back to the partition's
// default region. service is a shortcut from Services (case-insensitive).
// path is any console path ("/ec2/home#Instances") or a full https URL on
// the partition's console host. With neither service nor path the result is
// the console home.
func Destination(partition, region, service, path string) (string, error) {
	region = strings.TrimSpace(region)
	if region != "" && !ValidRegion(region) {
		return "", fmt.Errorf("invalid region %s", quoteShort(region))
	}
	p := PartitionForRegion(region)
	if partition != "" {
		q, ok := PartitionByID(partition)
		if !ok {
			return "", fmt.Errorf("unknown partition %s (known: aws, aws-us-gov, aws-cn)", quoteShort(partition))
		}
		if region != "" && q.ID != p.ID {
			return "", fmt.Errorf("region %s is not in partition %s", region, q.ID)
		}
		p = q
	}
	service, path = strings.TrimSpace(service), strings.TrimSpace(path)
	switch {
	case service != "" && path != "":
		return "", ErrServiceAndPath
	case service != "":
		s, ok := LookupService(service)
		if !ok {
			return "", &UnknownServiceError{Name: service, Suggestions: suggest(service)}
		}
		if s.Global {
			return build(p, s.Path, "")
		}
		if region == "" {
			region = p.DefaultRegion
		}
		return build(p, s.Path, region)
	case path != "":
		return destinationPath(p, region, path)
	}
	return build(p, "/console/home", region)
}

// destinationPath validates a user-given console path or URL.
func destinationPath(p Partition, region, path string) (string, error) {
	for _, r := range path {
		if r < 0x21 || r == 0x7f {
			return "", fmt.Errorf("destination %s contains spaces or control characters", quoteShort(path))
		}
	}
	if strings.Contains(path, "://") {
		u, err := url.Parse(path)
		if err != nil {
			return "", fmt.Errorf("invalid destination %s: not a URL", quoteShort(path))
		}
		host := u.Hostname()
		if u.Scheme != "https" || u.User != nil || (host != p.ConsoleHost && !strings.HasSuffix(host, "."+p.ConsoleHost)) {
			return "", fmt.Errorf("destination %s is not an https URL on %s", quoteShort(path), p.ConsoleHost)
		}
		return path, nil
	}
	if strings.HasPrefix(path, "//") {
		return "", fmt.Errorf("invalid destination %s", quoteShort(path))
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return build(p, path, region)
}

// build joins the console host, path (with optional ?query and #fragment)
// and a region parameter, unless the query already names a region.
func build(p Partition, path, region string) (string, error) {
	frag := ""
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path, frag = path[:i], path[i:]
	}
	query := ""
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, query = path[:i], path[i+1:]
	}
	u, err := url.Parse("https://" + p.ConsoleHost + path)
	if err != nil || u.Host != p.ConsoleHost || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("invalid destination path %s", quoteShort(path))
	}
	vals, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("invalid query in destination %s", quoteShort(path+"?"+query))
	}
	if region != "" && !vals.Has("region") {
		if query != "" {
			query += "&"
		}
		query += "region=" + url.QueryEscape(region)
	}
	out := "https://" + p.ConsoleHost + u.EscapedPath()
	if query != "" {
		out += "?" + query
	}
	out += frag
	// What we hand to the sign-in must be a URL a browser (and AWS) parses:
	// a stray % in the fragment, say, is refused here, not there.
	if _, err := url.Parse(out); err != nil {
		return "", fmt.Errorf("invalid destination %s: %v", quoteShort(path+frag), unwrapURLError(err))
	}
	return out, nil
}

// unwrapURLError drops the *url.Error wrapper, which repeats the URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
