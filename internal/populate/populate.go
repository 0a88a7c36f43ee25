package populate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/atomicfile"
	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/exitcode"
)

// DefaultConcurrency is how many accounts have their roles listed at once.
const DefaultConcurrency = 8

// ErrNoSSOSession is returned when the config file has no [sso-session NAME]
// section for Options.SSOSession.
var ErrNoSSOSession = exitcode.With(exitcode.Config, errors.New("sso-session is not defined in the config file"))

// Options says what to populate and how.
type Options struct {
	// ConfigPath is the config file to edit (required).
	ConfigPath string
	// SSOSession names the [sso-session NAME] the profiles use (required).
	SSOSession string
	// Prefix is put before every generated name ("corp/"). Letters, digits
	// and _.+@-/ only.
	Prefix string
	// Template builds each name; "" means DefaultTemplate. Placeholders:
	// {{account_name}}, {{account_id}}, {{role_name}}, {{session}}.
	Template string
	// Region, when set, is written as each profile's region.
	Region string
	// Prune removes the generated profiles whose account/role no longer
	// exists; without it they are kept and reported.
	Prune bool
	// DryRun computes the change and returns it as Summary.Diff without
	// writing anything.
	DryRun bool
	// Concurrency is how many accounts are listed at once (default 8).
	Concurrency int
	// Progress receives a progress line while listing when ProgressTTY is
	// set (it is the terminal); otherwise nothing is drawn.
	Progress    io.Writer
	ProgressTTY bool

	// Lister reads the SSO portal (required).
	Lister Lister
	// Classify tells retryable failures from fatal ones; nil means Classify.
	Classify func(error) ErrorKind
	// Retry and Limiter tune retries and pacing; zero values are defaults.
	Retry   RetryPolicy
	Limiter LimiterConfig
}

// Rename is a profile that now has another name.
type Rename struct {
	From, To string
}

// Collision is a pair that could not have the name its template gives.
type Collision struct {
	Wanted    string // the name from the template
	Used      string // the name it got instead
	AccountID string
	RoleName  string
	Reason    string // who has Wanted: "a profile outside the managed block", …
}

// Skipped is an account/role pair that was listed but not written.
type Skipped struct {
	AccountID string
	RoleName  string
	Reason    string
}

// Summary reports what a run did (or, with DryRun, would do). Each list of
// profile names is sorted.
type Summary struct {
	Session  string
	Accounts int // accounts listed
	Roles    int // account/role pairs listed

	Added        []string
	Updated      []string // same name, different content (a changed region, a hand edit undone)
	Renamed      []Rename
	Removed      []string // pruned, or duplicates of a pair's profile
	Unchanged    []string
	KeptVanished []string // account/role gone, kept because Prune was off

	Collisions []Collision
	Skipped    []Skipped

	// Changed tells whether the file was (with DryRun: would be) changed.
	Changed bool
	// Diff is the unified diff of the change, with DryRun only ("" when
	// nothing would change).
	Diff string

	Stats Stats
}

// String is a one-line account of the run, for the user.
func (s *Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d accounts, %d roles: %d added, %d updated, %d renamed, %d removed, %d unchanged",
		s.Accounts, s.Roles, len(s.Added), len(s.Updated), len(s.Renamed), len(s.Removed), len(s.Unchanged))
	if n := len(s.KeptVanished); n > 0 {
		fmt.Fprintf(&b, ", %d kept although their role is gone (use --prune to remove them)", n)
	}
	if n := len(s.Collisions); n > 0 {
		fmt.Fprintf(&b, ", %d renamed to avoid a name clash", n)
	}
	if n := len(s.Skipped); n > 0 {
		fmt.Fprintf(&b, ", %d skipped", n)
	}
	return b.String()
}

// settings are validated Options.
type settings struct {
	Options
	tmpl *nameTemplate
}

func (o *Options) validate() (*settings, error) {
	if o.ConfigPath == "" {
		return nil, errors.New("populate: no config file path")
	}
	if o.Lister == nil {
		return nil, errors.New("populate: no lister")
	}
	if !tokenValue(o.SSOSession) || strings.ContainsAny(o.SSOSession, "[]") {
		return nil, fmt.Errorf("invalid sso-session name %q", o.SSOSession)
	}
	if o.Prefix != "" {
		if err := checkLiteral(o.Prefix); err != nil {
			return nil, fmt.Errorf("invalid profile name prefix %q: %w", o.Prefix, err)
		}
	}
	if o.Region != "" && !regionName(o.Region) {
		return nil, fmt.Errorf("invalid region %q", o.Region)
	}
	t := o.Template
	if t == "" {
		t = DefaultTemplate
	}
	tmpl, err := parseTemplate(t)
	if err != nil {
		return nil, err
	}
	s := &settings{Options: *o, tmpl: tmpl}
	if s.Concurrency <= 0 {
		s.Concurrency = DefaultConcurrency
	}
	if s.Classify == nil {
		s.Classify = Classify
	}
	s.Retry = s.Retry.withDefaults()
	return s, nil
}

// tokenValue accepts a value that is written as is after "key = ": printable
// ASCII without spaces or comment characters.
func tokenValue(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '#' || c == ';' {
			return false
		}
	}
	return true
}

func regionName(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return s != ""
}

// Populate lists every account and role of the SSO user through
// opts.Lister and writes one profile per pair into the managed block of the
// sso-session in opts.ConfigPath (see the package comment). A listing
// failure that is not retried away, a malformed block (*BlockError), a
// config syntax error or a missing sso-session (ErrNoSSOSession) returns an
// error with the file untouched.
func Populate(ctx context.Context, opts Options) (*Summary, error) {
	s, err := opts.validate()
	if err != nil {
		return nil, err
	}
	// Fail before any request if the file as it is now cannot be edited.
	data, perm, err := readConfig(s.ConfigPath)
	if err != nil {
		return nil, err
	}
	if _, err := readCurrent(data, s); err != nil {
		return nil, err
	}

	start := time.Now()
	prog := startProgress(s.Progress, s.ProgressTTY)
	f := &fetcher{
		lister:      s.Lister,
		classify:    s.Classify,
		retry:       s.Retry,
		concurrency: s.Concurrency,
		acctLim:     newLimiter(s.Limiter),
		roleLim:     newLimiter(s.Limiter),
		prog:        prog,
	}
	accounts, err := f.fetch(ctx)
	prog.close()
	stats := f.stats(time.Since(start))
	if err != nil {
		return nil, err
	}

	if s.DryRun {
		data, _, err := readConfig(s.ConfigPath)
		if err != nil {
			return nil, err
		}
		out, sum, err := apply(data, accounts, s)
		if err != nil {
			return nil, err
		}
		sum.Stats = stats
		sum.Diff = unifiedDiff(s.ConfigPath, s.ConfigPath+" (after populate)", splitLines(data), splitLines(out))
		return sum, nil
	}

	var sum *Summary
	err = awsconfig.UpdateFile(s.ConfigPath, perm, func(doc *awsconfig.Document) error {
		data := doc.Bytes()
		out, sm, err := apply(data, accounts, s)
		if err != nil {
			return err
		}
		sum = sm
		if !sum.Changed {
			return nil
		}
		return replaceDocument(doc, out)
	})
	if err != nil {
		return nil, err
	}
	sum.Stats = stats
	return sum, nil
}

// replaceDocument makes doc hold exactly data. awsconfig.Document has no
// edit that writes comment lines, which the block needs, so the new content
// is parsed and copied over the Document that UpdateFile will render: its
// Bytes() is then data. (Sections taken from doc before the copy belong to
// the old content.)
func replaceDocument(doc *awsconfig.Document, data []byte) error {
	nd, err := awsconfig.Parse(data)
	if err != nil {
		return fmt.Errorf("populate produced a config it cannot read back (a bug): %w", err)
	}
	*doc = *nd
	if !bytes.Equal(doc.Bytes(), data) {
		return errors.New("populate: the config did not round-trip (a bug)")
	}
	return nil
}

// readConfig reads the config file (missing is empty) and the permissions a
// rewrite keeps (0600 for a new file).
func readConfig(path string) ([]byte, os.FileMode, error) {
	data, st, err := atomicfile.Read(path, awsconfig.MaxFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0o600, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("reading %s: %w", path, err)
	}
	return data, st.Mode.Perm(), nil
}

// current is the config file as populate reads it.
type current struct {
	doc    *awsconfig.Document
	lines  []line
	blocks []block
	mine   *block // the session's block, if it has one
	old    []oldProfile
}

// readCurrent parses data and the session's block, and checks that the
// file can be edited: it parses, defines the sso-session, and its blocks are
// well-formed.
func readCurrent(data []byte, s *settings) (*current, error) {
	doc, err := awsconfig.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("the config file has a syntax error, fix it first: %w", err)
	}
	if len(doc.Find(awsconfig.SSOSessionHeader(s.SSOSession))) == 0 {
		return nil, fmt.Errorf("sso-session %q: %w", s.SSOSession, ErrNoSSOSession)
	}
	c := &current{doc: doc, lines: splitLines(data)}
	if c.blocks, err = findBlocks(c.lines); err != nil {
		return nil, err
	}
	for i := range c.blocks {
		if c.blocks[i].session == s.SSOSession {
			c.mine = &c.blocks[i]
		}
	}
	if c.mine != nil {
		if c.old, err = parseBlock(c.lines, *c.mine); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// apply computes the new content of the config file: data with the
// session's block rewritten for the listed accounts. It is pure, and keeps
// everything outside the block byte for byte.
func apply(data []byte, accounts []listedAccount, s *settings) ([]byte, *Summary, error) {
	c, err := readCurrent(data, s)
	if err != nil {
		return nil, nil, err
	}
	doc, ls, blocks, mine, old := c.doc, c.lines, c.blocks, c.mine, c.old

	// Names that are not ours to use: profiles outside the block (other
	// blocks included) and "default".
	taken := map[string]string{"default": `reserved (a profile named "default" would replace the default profile)`}
	// Section headers are the lines that start with "[", in the same
	// order as doc.Sections (Section.Line would be quadratic here).
	var headers []int
	for i, l := range ls {
		if strings.HasPrefix(l.text, "[") {
			headers = append(headers, i)
		}
	}
	secs := doc.Sections()
	if len(secs) != len(headers) {
		return nil, nil, errors.New("populate: sections and header lines disagree (a bug)")
	}
	for n, sec := range secs {
		i := headers[n]
		if mine != nil && i > mine.begin && i < mine.end {
			continue
		}
		f := strings.Fields(sec.Header())
		if len(f) != 2 || f[0] != "profile" {
			continue
		}
		reason := "a profile outside the managed block"
		for _, b := range blocks {
			if i > b.begin && i < b.end {
				reason = fmt.Sprintf("a profile of the managed block of sso-session %q", b.session)
			}
		}
		if _, ok := taken[sec.Name()]; !ok {
			taken[sec.Name()] = reason
		}
	}

	sum := &Summary{Session: s.SSOSession, Accounts: len(accounts)}

	// The listed pairs, in order of account id, then role name.
	var pairs []wantedName
	listed := map[pairKey]bool{}
	for _, a := range accounts {
		sum.Roles += len(a.Roles)
		for _, r := range a.Roles {
			var why string
			switch {
			case !tokenValue(a.ID):
				why = "the account id cannot be written to the config file"
			case !tokenValue(r):
				why = "the role name cannot be written to the config file"
			}
			base := s.Prefix + s.tmpl.render(nameVars{a.Name, a.ID, r, s.SSOSession})
			if why == "" && !profileName(base) {
				why = "the name template gives an empty name"
			}
			if why != "" {
				sum.Skipped = append(sum.Skipped, Skipped{a.ID, r, why})
				continue
			}
			if k := (pairKey{a.ID, r}); !listed[k] {
				listed[k] = true
				pairs = append(pairs, wantedName{k, base})
			}
		}
	}
	// Accounts arrive in the order their listings finished: sort what is
	// reported so the same organisation always gives the same summary.
	slices.SortFunc(sum.Skipped, func(x, y Skipped) int {
		if c := strings.Compare(x.AccountID, y.AccountID); c != 0 {
			return c
		}
		return strings.Compare(x.RoleName, y.RoleName)
	})
	slices.SortFunc(pairs, func(x, y wantedName) int {
		if c := strings.Compare(x.key.AccountID, y.key.AccountID); c != 0 {
			return c
		}
		return strings.Compare(x.key.Role, y.key.Role)
	})

	// The old profiles: those of listed pairs give their names back to
	// them; the others have vanished.
	prev := map[pairKey][]string{}
	oldByName := map[string]*oldProfile{}
	var kept []*oldProfile
	for i := range old {
		p := &old[i]
		if _, dup := oldByName[p.name]; !dup {
			oldByName[p.name] = p
		}
		if !p.emptyIdentifier && listed[p.key] {
			prev[p.key] = append(prev[p.key], p.name)
			continue
		}
		switch _, clash := taken[p.name]; {
		case s.Prune:
			sum.Removed = append(sum.Removed, p.name)
		case clash:
			// A profile outside the block now has this name: the
			// stale copy goes so the name is not defined twice.
			sum.Removed = append(sum.Removed, p.name)
		default:
			taken[p.name] = "a kept profile whose account or role no longer exists"
			kept = append(kept, p)
			sum.KeptVanished = append(sum.KeptVanished, p.name)
		}
	}

	names := assignNames(pairs, taken, prev)
	owner := map[string]int{}
	for i, n := range names {
		owner[n] = i
	}

	type entry struct {
		name  string
		lines []string
	}
	var entries []entry
	for i, p := range pairs {
		name := names[i]
		if name != p.base {
			reason, ok := taken[p.base]
			if !ok {
				reason = "another account/role pair"
				if j, has := owner[p.base]; has {
					reason = fmt.Sprintf("account %s role %s", pairs[j].key.AccountID, pairs[j].key.Role)
				}
			}
			sum.Collisions = append(sum.Collisions, Collision{p.base, name, p.key.AccountID, p.key.Role, reason})
		}
		lines := renderProfile(name, s.SSOSession, p.key, s.Region)
		entries = append(entries, entry{name, lines})
		olds := prev[p.key]
		switch {
		case len(olds) == 0:
			sum.Added = append(sum.Added, name)
		case slices.Contains(olds, name):
			if o := oldByName[name]; o != nil && o.key == p.key && sameText(o.lines, lines) {
				sum.Unchanged = append(sum.Unchanged, name)
			} else {
				sum.Updated = append(sum.Updated, name)
			}
		default:
			sum.Renamed = append(sum.Renamed, Rename{olds[0], name})
		}
		for k, o := range olds {
			if o != name && (k > 0 || slices.Contains(olds, name)) {
				sum.Removed = append(sum.Removed, o) // a duplicate for the pair
			}
		}
	}
	for _, p := range kept {
		texts := make([]string, len(p.lines))
		for i, l := range p.lines {
			texts[i] = l.text
		}
		entries = append(entries, entry{p.name, texts})
	}
	slices.SortFunc(entries, func(x, y entry) int { return strings.Compare(x.name, y.name) })
	profiles := make([][]string, len(entries))
	for i, e := range entries {
		profiles[i] = e.lines
	}

	eol := fileEOL(ls)
	out := joinLines(splice(ls, mine, renderBlock(s.SSOSession, profiles, eol)))
	if e := fileEOL(splitLines(out)); e != eol {
		// A file of one line ending in "\r" without a newline became a
		// CRLF file when the block gave it one: the block follows.
		out = joinLines(splice(ls, mine, renderBlock(s.SSOSession, profiles, e)))
	}
	sum.Changed = !bytes.Equal(out, data)
	if _, err := awsconfig.Parse(out); err != nil {
		return nil, nil, fmt.Errorf("populate produced a config it cannot read back (a bug): %w", err)
	}

	slices.Sort(sum.Added)
	slices.Sort(sum.Updated)
	slices.Sort(sum.Removed)
	slices.Sort(sum.Unchanged)
	slices.Sort(sum.KeptVanished)
	slices.SortFunc(sum.Renamed, func(x, y Rename) int { return strings.Compare(x.To, y.To) })
	return out, sum, nil
}

// profileName accepts the characters a generated name may hold.
func profileName(s string) bool {
	return s != "" && checkLiteral(s) == nil
}

// sameText compares a block's lines with rendered texts.
func sameText(ls []line, texts []string) bool {
	if len(ls) != len(texts) {
		return false
	}
	for i := range ls {
		if ls[i].text != texts[i] {
			return false
		}
	}
	return true
}
