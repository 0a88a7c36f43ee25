package awsmain

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"

	"github.com/assume-cli/assume/internal/creds"
	"github.com/assume-cli/assume/internal/credserver"
	"github.com/assume-cli/assume/internal/term"
)

// endpointTimeout bounds the request to a credentials endpoint.
const endpointTimeout = 5 * time.Second

// endpointCredentials fetches the credentials that a container credentials
// endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI, e.g. assume's own under
// --exec) serves to this process, the way an SDK would.
func endpointCredentials(ctx context.Context, s *term.Streams) (creds.Credentials, error) {
	uri, token := s.Getenv(credserver.EnvFullURI), s.Getenv(credserver.EnvToken)
	if uri == "" {
		return creds.Credentials{}, errors.New("whoami needs credentials")
	}
	p := endpointcreds.New(uri, func(o *endpointcreds.Options) {
		o.AuthorizationToken = token
	})
	ctx, cancel := context.WithTimeout(ctx, endpointTimeout)
	defer cancel()
	c, err := p.Retrieve(ctx)
	if err != nil {
		return creds.Credentials{}, fmt.Errorf("getting credentials from the endpoint in %s: %v", credserver.EnvFullURI, err)
	}
	out := creds.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
	if c.CanExpire {
		out.Expiration = c.Expires
	}
	return out, nil
}
