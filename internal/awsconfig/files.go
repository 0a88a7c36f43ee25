package awsconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/assume-cli/assume/internal/atomicfile"
)

// Properties maps lower-case keys to their values.
type Properties map[string]Value

// Get returns the value of key (matched case-insensitively, as the SDKs do);
// an absent key gives an unset Value.
func (p Properties) Get(key string) Value { return p[strings.ToLower(key)] }

// Keys returns the keys in sorted order.
func (p Properties) Keys() []string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Profile is one profile with the config and credentials files merged:
// credentials-file values win, duplicate sections merge, the last duplicate
// key wins.
type Profile struct {
	Name string
	// Header locates the section that defines the profile (the first one,
	// config file before credentials file); Text is the header as written.
	Header Value
	Properties
}

// SSOSession is one [sso-session NAME] section of the config file.
type SSOSession struct {
	Name   string
	Header Value
	Properties
}

// Files holds the raw bytes of a config and a credentials file. It parses
// nothing until asked, and then only the sections it is asked about.
// A Files is safe for concurrent use: its methods only read.
type Files struct {
	ConfigPath      string
	CredentialsPath string
	config          []byte
	credentials     []byte
	// the versions of the files that were read (Open), for Identity
	configStamp, credentialsStamp atomicfile.Stamp
	stamped                       bool
}

// Open reads the two files. A path that is "" or names a missing file counts
// as an empty file; any other read error is returned.
func Open(configPath, credentialsPath string) (*Files, error) {
	config, cst, err := readOptional(configPath)
	if err != nil {
		return nil, err
	}
	credentials, rst, err := readOptional(credentialsPath)
	if err != nil {
		return nil, err
	}
	f := NewFiles(configPath, config, credentialsPath, credentials)
	f.configStamp, f.credentialsStamp, f.stamped = cst, rst, true
	return f, nil
}

func readOptional(path string) ([]byte, atomicfile.Stamp, error) {
	if path == "" {
		return nil, atomicfile.Stamp{}, nil
	}
	read := atomicfile.Read
	if MapLargeFiles {
		read = atomicfile.ReadMapped
	}
	data, st, err := read(path, MaxFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, atomicfile.Stamp{}, nil
	}
	if err != nil {
		return nil, atomicfile.Stamp{}, fmt.Errorf("reading aws shared file: %w", err)
	}
	return data, st, nil
}

// SettleTime is how long after its last change a file must have been left
// alone before its stamp may stand for its contents (atomicfile.Stamp.Settled).
const SettleTime = 2 * time.Second

// Identity is an exact identity of the versions of the two files that f
// read: equal to CurrentIdentity of the same paths for as long as neither
// file is replaced, written, truncated, created or removed. ok is false
// when there is none: f was not read by Open, a file was changed less than
// SettleTime before now (it may change again without its stamp changing),
// or the platform has no exact stamps.
func (f *Files) Identity(now time.Time) (id []byte, ok bool) {
	if !f.stamped || !f.configStamp.Settled(now, SettleTime) || !f.credentialsStamp.Settled(now, SettleTime) {
		return nil, false
	}
	return identity(f.ConfigPath, f.configStamp, f.CredentialsPath, f.credentialsStamp)
}

// CurrentIdentity is the identity of the files at the two paths as they
// are now (see Identity); ok is false when a file cannot be stat'ed or the
// platform has no exact stamps.
func CurrentIdentity(configPath, credentialsPath string) (id []byte, ok bool) {
	stat := func(path string) (atomicfile.Stamp, bool) {
		if path == "" {
			return atomicfile.Stamp{}, true
		}
		st, err := atomicfile.StatPath(path)
		return st, err == nil
	}
	cst, ok1 := stat(configPath)
	rst, ok2 := stat(credentialsPath)
	if !ok1 || !ok2 {
		return nil, false
	}
	return identity(configPath, cst, credentialsPath, rst)
}

func identity(configPath string, cst atomicfile.Stamp, credentialsPath string, rst atomicfile.Stamp) ([]byte, bool) {
	b := make([]byte, 0, 64+len(configPath)+len(credentialsPath))
	b = append(append(b, configPath...), 0)
	b, ok1 := cst.AppendID(b)
	b = append(append(b, credentialsPath...), 0)
	b, ok2 := rst.AppendID(b)
	return b, ok1 && ok2
}

// MapLargeFiles makes Open map large files instead of copying them
// (atomicfile.ReadMapped). Only a process that runs every goroutine touching
// the Files with debug.SetPanicOnFault(true), and recovers from the fault,
// may set it: the front end does, on its cached path.
var MapLargeFiles bool

// MaxFileSize is the largest config or credentials file assume reads or
// edits (64 MiB); a larger one is refused with an *atomicfile.TooLargeError.
const MaxFileSize = atomicfile.MaxConfigSize

// NewFiles wraps file contents that are already in memory. The paths are only
// used to label values and errors.
func NewFiles(configPath string, config []byte, credentialsPath string, credentials []byte) *Files {
	return &Files{ConfigPath: configPath, CredentialsPath: credentialsPath, config: config, credentials: credentials}
}

// Profile finds and parses the sections of the named profile in both files
// and merges them. found is false when neither file has a section for it.
// The error is a *SyntaxError for a malformed line in the sections read or in
// the section just before each of them, in the lines before the first
// section, or in any header line; other sections are not read.
func (f *Files) Profile(name string) (p *Profile, found bool, err error) {
	var (
		prefixed, bare, creds   Properties
		prefixedHdr, bareHdr, h Value
	)
	want := func(inner []byte) bool { return mayName(inner, name) }
	if err := walk(f.config, f.ConfigPath, want, func(inner []byte, line int) (Properties, bool) {
		class, n := classify(ConfigFile, inner)
		if string(n) != name {
			return nil, false
		}
		switch class {
		case classProfile:
			if prefixed == nil {
				prefixed, prefixedHdr = Properties{}, headerValue(inner, f.ConfigPath, line)
			}
			return prefixed, true
		case classBareDefault:
			if bare == nil {
				bare, bareHdr = Properties{}, headerValue(inner, f.ConfigPath, line)
			}
			return bare, true
		}
		return nil, false
	}); err != nil {
		return nil, false, err
	}
	props := prefixed
	h = prefixedHdr
	if props == nil {
		props, h = bare, bareHdr
	}
	if err := walk(f.credentials, f.CredentialsPath, want, func(inner []byte, line int) (Properties, bool) {
		class, n := classify(CredentialsFile, inner)
		if class != classProfile || string(n) != name {
			return nil, false
		}
		if creds == nil {
			creds = Properties{}
			if !h.Set {
				h = headerValue(inner, f.CredentialsPath, line)
			}
		}
		return creds, true
	}); err != nil {
		return nil, false, err
	}
	if props == nil && creds == nil {
		return nil, false, nil
	}
	if props == nil {
		props = creds
	} else {
		for k, v := range creds {
			props[k] = v
		}
	}
	return &Profile{Name: name, Header: h, Properties: props}, true, nil
}

// SSOSession finds and parses the [sso-session NAME] sections of the config
// file. Errors are reported as by Profile.
func (f *Files) SSOSession(name string) (s *SSOSession, found bool, err error) {
	var props Properties
	var h Value
	want := func(inner []byte) bool { return mayName(inner, name) }
	if err := walk(f.config, f.ConfigPath, want, func(inner []byte, line int) (Properties, bool) {
		class, n := classify(ConfigFile, inner)
		if class != classSSOSession || string(n) != name {
			return nil, false
		}
		if props == nil {
			props, h = Properties{}, headerValue(inner, f.ConfigPath, line)
		}
		return props, true
	}); err != nil {
		return nil, false, err
	}
	if props == nil {
		return nil, false, nil
	}
	return &SSOSession{Name: name, Header: h, Properties: props}, true, nil
}

// ProfileNames lists the profiles of both files, sorted, without parsing any
// section body. It is meant for suggestions and pickers, so it skips over
// malformed headers instead of failing.
func (f *Files) ProfileNames() []string {
	seen := map[string]bool{}
	collect := func(kind FileKind, data []byte) {
		for off := nextHeader(data, 0); off < len(data); {
			l, next := nextLine(data, off)
			if inner, ok := headerInner(l); ok {
				if class, n := classify(kind, inner); class == classProfile || class == classBareDefault {
					if !seen[string(n)] {
						seen[string(n)] = true
					}
				}
			}
			off = nextHeader(data, next)
		}
	}
	collect(ConfigFile, f.config)
	collect(CredentialsFile, f.credentials)
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ProfileSet is every profile and sso-session of a pair of files.
type ProfileSet struct {
	Profiles    map[string]*Profile
	SSOSessions map[string]*SSOSession
}

// Load parses both files completely, checking every line, into a ProfileSet.
// Use it where everything is needed (listing, linting); single lookups are
// cheaper through Profile.
func (f *Files) Load() (*ProfileSet, error) {
	set := &ProfileSet{Profiles: map[string]*Profile{}, SSOSessions: map[string]*SSOSession{}}
	part, err := f.loadConfig()
	if err != nil {
		return nil, err
	}
	set.Profiles, set.SSOSessions = part.profiles, part.sessions
	if part.prefixedDefault != nil {
		set.Profiles[defaultName] = part.prefixedDefault
	} else if part.bareDefault != nil {
		set.Profiles[defaultName] = part.bareDefault
	}
	cerr := walk(f.credentials, f.CredentialsPath, nil, func(inner []byte, line int) (Properties, bool) {
		class, n := classify(CredentialsFile, inner)
		if class != classProfile {
			return nil, true
		}
		p := set.Profiles[string(n)]
		if p == nil {
			p = &Profile{Name: string(n), Header: headerValue(inner, f.CredentialsPath, line), Properties: Properties{}}
			set.Profiles[p.Name] = p
		}
		return p.Properties, true
	})
	if cerr != nil {
		return nil, cerr
	}
	return set, nil
}

// splitLoadAt is the config size from which Load parses the two halves of
// the config file at once (a 10,000-profile config is 1.2 MB; its parse was
// a third of `assume ls`). A variable for the tests.
var splitLoadAt = 256 << 10

// configPart is what a stretch of the config file defines.
type configPart struct {
	profiles                     map[string]*Profile
	sessions                     map[string]*SSOSession
	prefixedDefault, bareDefault *Profile
}

// loadConfig parses the config file, in two halves at once when it is large
// (split at a section header, each half's sections merged in file order:
// the first header of a section names it, later duplicate keys win, and the
// first syntax error in the file is the one reported).
func (f *Files) loadConfig() (configPart, error) {
	data := f.config
	mid := len(data)
	if len(data) >= splitLoadAt {
		if i := bytes.IndexByte(data[len(data)/2:], '\n'); i >= 0 {
			mid = nextHeader(data, len(data)/2+i+1)
		}
	}
	if mid == len(data) {
		return f.loadPart(data, 1)
	}
	var (
		second    configPart
		secondErr error
		fault     any
		wg        sync.WaitGroup
	)
	// The data may be a mapping of the file (MapLargeFiles): a fault in the
	// other goroutine is handled as in this one, by this one.
	onFault := debug.SetPanicOnFault(true)
	debug.SetPanicOnFault(onFault)
	wg.Go(func() {
		debug.SetPanicOnFault(onFault)
		defer func() { fault = recover() }()
		second, secondErr = f.loadPart(data[mid:], 1+bytes.Count(data[:mid], []byte{'\n'}))
	})
	first, err := f.loadPart(data[:mid], 1)
	wg.Wait()
	if fault != nil {
		panic(fault)
	}
	if err != nil {
		return configPart{}, err
	}
	if secondErr != nil {
		return configPart{}, secondErr
	}
	for name, p := range second.profiles {
		first.profiles[name] = mergeProfile(first.profiles[name], p)
	}
	for name, ss := range second.sessions {
		if have := first.sessions[name]; have != nil {
			maps.Copy(have.Properties, ss.Properties)
		} else {
			first.sessions[name] = ss
		}
	}
	first.prefixedDefault = mergeProfile(first.prefixedDefault, second.prefixedDefault)
	first.bareDefault = mergeProfile(first.bareDefault, second.bareDefault)
	return first, nil
}

// mergeProfile adds the later sections of a profile (later, may be nil) to
// the earlier ones (have, may be nil).
func mergeProfile(have, later *Profile) *Profile {
	if have == nil {
		return later
	}
	if later != nil {
		maps.Copy(have.Properties, later.Properties)
	}
	return have
}

// loadPart parses data, a stretch of the config file starting at line first
// (at its start or at a section header).
func (f *Files) loadPart(data []byte, first int) (configPart, error) {
	part := configPart{profiles: map[string]*Profile{}, sessions: map[string]*SSOSession{}}
	err := walkFrom(data, first, f.ConfigPath, nil, func(inner []byte, line int) (Properties, bool) {
		class, n := classify(ConfigFile, inner)
		hdr := func() Value { return headerValue(inner, f.ConfigPath, line) }
		switch class {
		case classProfile:
			if string(n) == defaultName {
				if part.prefixedDefault == nil {
					part.prefixedDefault = &Profile{Name: defaultName, Header: hdr(), Properties: Properties{}}
				}
				return part.prefixedDefault.Properties, true
			}
			p := part.profiles[string(n)]
			if p == nil {
				p = &Profile{Name: string(n), Header: hdr(), Properties: Properties{}}
				part.profiles[p.Name] = p
			}
			return p.Properties, true
		case classBareDefault:
			if part.bareDefault == nil {
				part.bareDefault = &Profile{Name: defaultName, Header: hdr(), Properties: Properties{}}
			}
			return part.bareDefault.Properties, true
		case classSSOSession:
			ss := part.sessions[string(n)]
			if ss == nil {
				ss = &SSOSession{Name: string(n), Header: hdr(), Properties: Properties{}}
				part.sessions[ss.Name] = ss
			}
			return ss.Properties, true
		}
		return nil, true
	})
	if err != nil {
		return configPart{}, err
	}
	return part, nil
}

// Profile returns the named profile.
func (s *ProfileSet) Profile(name string) (*Profile, bool, error) {
	p, ok := s.Profiles[name]
	return p, ok, nil
}

// SSOSession returns the named sso-session.
func (s *ProfileSet) SSOSession(name string) (*SSOSession, bool, error) {
	ss, ok := s.SSOSessions[name]
	return ss, ok, nil
}

// ProfileNames lists the profiles, sorted.
func (s *ProfileSet) ProfileNames() []string {
	names := make([]string, 0, len(s.Profiles))
	for n := range s.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func headerValue(inner []byte, file string, line int) Value {
	return Value{Text: string(trimWS(inner)), File: file, Line: line, Set: true}
}
