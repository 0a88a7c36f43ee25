package awsemu

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// AdminPrefix is the path prefix of the emulator's own admin API. AWS paths
// never start with an underscore, so it cannot collide with an emulated API.
const AdminPrefix = "/_awsemu/"

// maxBody bounds request bodies; AWS's own limit for Query APIs is far
// below this.
const maxBody = 1 << 20

// Options configure a Server.
type Options struct {
	// Now is the emulator's clock; nil means time.Now. The world's
	// clock_skew_seconds and the admin clock offset are added to it.
	Now func() time.Time
	// Logger receives one line per API call (action, status, error code,
	// the reason behind deliberately vague AWS errors). It never receives
	// secrets. nil discards.
	Logger *slog.Logger
}

// Server is the emulator. It is safe for concurrent use; serve it with
// Handler.
type Server struct {
	ix   *index
	opts Options
	log  *slog.Logger
	mux  *http.ServeMux

	mu          sync.Mutex
	sessions    map[string]*session // by access key id
	counters    map[string]*ActionCounter
	faults      []*faultState
	clockOffset time.Duration // set over the admin API / SetClockOffset

	sso   *ssoState   // Identity Center state, under its own mutex
	login *loginState // aws login (sign-in OAuth) state, under its own mutex
	iam   *iamState   // access keys (the world's and those created over IAM), under its own mutex
	eks   eksState    // the cluster API stand-in's address (eks.go), under mu
}

// New returns an emulator serving world. The world is validated and copied;
// later changes to it have no effect.
func New(w *World, opts Options) (*Server, error) {
	if w == nil {
		return nil, errors.New("awsemu: nil world")
	}
	c, err := cloneWorld(w)
	if err != nil {
		return nil, err
	}
	ix, err := compileWorld(c)
	if err != nil {
		return nil, err
	}
	s := &Server{
		ix:       ix,
		opts:     opts,
		log:      opts.Logger,
		sessions: map[string]*session{},
		counters: map[string]*ActionCounter{},
		sso:      newSSOState(),
		login:    newLoginState(),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.iam = newIAMState(ix, s.now())
	s.mux = http.NewServeMux()
	s.routes()
	return s, nil
}

// MustNew is New for tests and examples: it panics on an invalid world.
func MustNew(w *World, opts Options) *Server {
	s, err := New(w, opts)
	if err != nil {
		panic(err)
	}
	return s
}

// routes registers every emulated API and the admin API. Each API file
// owns its handlers; this is the one place that lists them.
func (s *Server) routes() {
	s.mux.HandleFunc("POST /{$}", s.serveQuery) // STS and IAM (iam.go)
	s.mux.HandleFunc("GET /{$}", s.serveQuery)
	s.oidcRoutes()
	s.portalRoutes()
	s.signinRoutes()
	s.loginRoutes()
	s.eksRoutes()
	s.adminRoutes()
}

// Handler returns the HTTP handler serving the emulated AWS APIs and the
// admin API under AdminPrefix.
func (s *Server) Handler() http.Handler { return s.mux }

// World returns a copy of the world the server was built from.
func (s *Server) World() *World {
	c, err := cloneWorld(s.ix.world)
	if err != nil {
		panic(err) // a validated world always round-trips
	}
	return c
}

// Now returns the emulator's current time (the clock in Options plus the
// world's clock skew plus any admin offset).
func (s *Server) Now() time.Time { return s.now() }

func (s *Server) now() time.Time {
	base := time.Now
	if s.opts.Now != nil {
		base = s.opts.Now
	}
	s.mu.Lock()
	off := s.clockOffset
	s.mu.Unlock()
	return base().Add(time.Duration(s.ix.world.Settings.ClockSkewSeconds)*time.Second + off)
}

// SetClockOffset moves the emulator's clock by d relative to Options.Now
// (in addition to the world's clock_skew_seconds).
func (s *Server) SetClockOffset(d time.Duration) {
	s.mu.Lock()
	s.clockOffset = d
	s.mu.Unlock()
}

// ClockOffset returns the offset set with SetClockOffset.
func (s *Server) ClockOffset() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clockOffset
}

// Reset returns the server to its freshly started state: counters, faults,
// issued credentials, Identity Center state (client registrations, pending
// authorizations, tokens, rate-limit buckets, the auto-approve override),
// aws login state (codes, sessions, refresh tokens, DPoP replay cache)
// and the clock offset are cleared; the world is kept, and the IAM users'
// access keys are the world's again (keys created or deleted over IAM are
// forgotten).
func (s *Server) Reset() {
	s.mu.Lock()
	s.sessions = map[string]*session{}
	s.counters = map[string]*ActionCounter{}
	s.faults = nil
	s.clockOffset = 0
	s.mu.Unlock()
	s.sso.reset()
	s.login.reset()
	s.iam.reset(s.ix)
}

// queryRequest is a parsed AWS Query protocol request.
type queryRequest struct {
	r      *http.Request
	body   []byte
	params url.Values
}

// readQueryRequest reads the body and merges the query string with a
// form-encoded body (both content types clients send are accepted:
// with and without "; charset=utf-8").
func readQueryRequest(r *http.Request) (*queryRequest, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, newAPIError(http.StatusBadRequest, "MalformedInput", "could not read the request body")
	}
	if len(body) > maxBody {
		return nil, newAPIError(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body is too large")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, newAPIError(http.StatusBadRequest, "MalformedQueryString", "The query string is malformed")
	}
	if r.Method == http.MethodPost && len(body) > 0 && isFormContent(r.Header.Get("Content-Type")) {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, newAPIError(http.StatusBadRequest, "MalformedQueryString", "The request body is not valid application/x-www-form-urlencoded data")
		}
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	return &queryRequest{r: r, body: body, params: params}, nil
}

func isFormContent(ct string) bool {
	if ct == "" {
		return true // lenient: an untyped body is read as a form
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// get returns the first value of a parameter and whether it was present.
func (q *queryRequest) get(name string) (string, bool) {
	v, ok := q.params[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// writeQueryResult writes a Query protocol success document:
// <OpResponse xmlns=NS><OpResult>…</OpResult><ResponseMetadata>…</ResponseMetadata></OpResponse>.
// result must marshal as the <OpResult> element.
func writeQueryResult(w http.ResponseWriter, ns, op, reqID string, result any) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "<%sResponse xmlns=\"%s\">\n  ", op, ns)
	enc := xml.NewEncoder(&buf)
	enc.Indent("  ", "  ")
	if err := enc.Encode(result); err != nil {
		writeQueryError(w, ns, reqID, errInternalFailure())
		return
	}
	fmt.Fprintf(&buf, "\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n</%sResponse>\n", reqID, op)
	writeBody(w, http.StatusOK, reqID, buf.Bytes())
}

type xmlErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// writeQueryError writes a Query protocol ErrorResponse document.
func writeQueryError(w http.ResponseWriter, ns, reqID string, e *apiError) {
	doc := xmlErrorResponse{Xmlns: ns, Type: e.senderType(), Code: e.Code, Message: e.Message, RequestID: reqID}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeBody(w, e.Status, reqID, append(out, '\n'))
}

func writeBody(w http.ResponseWriter, status int, reqID string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", itoa(len(body)))
	h["x-amzn-RequestId"] = []string{reqID} // AWS's exact spelling
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
