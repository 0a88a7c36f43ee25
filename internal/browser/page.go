package browser

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// PageLife is how long a forwarding page may be needed: the browser reads
// it when it starts (or when a running browser gets the new tab), which
// takes seconds. Pages older than this are removed by the next launch.
const PageLife = 2 * time.Minute

// pageDirName is the folder, next to the browser profiles, holding the
// forwarding pages.
const pageDirName = "open"

// Pages writes forwarding pages: a URL holding a secret (a console
// sign-in token, an OAuth state, a device code) never goes on a browser's
// command line, which every local user can read in /proc/PID/cmdline or
// ps. The browser gets the file:// URL of a page, 0600 in a 0700 folder of
// ours, whose only job is to replace itself by the real URL.
type Pages struct {
	// Dir holds the pages; it is created 0700.
	Dir string
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time

	mu      sync.Mutex
	written []string
}

// PageDir is the folder of the forwarding pages for a browser whose
// profiles live in dataRoot (see DataRoot): a sibling of it, so that a
// snap or flatpak browser, which sees only its own folder, can read them.
func PageDir(dataRoot string) string {
	return filepath.Join(filepath.Dir(dataRoot), pageDirName)
}

// defaultPageDir is PageDir of the default DataRoot; "" when there is no
// home folder.
func defaultPageDir(goos string, getenv func(string) string) string {
	root, err := DataRoot(goos, getenv)
	if err != nil {
		return ""
	}
	return PageDir(root)
}

// Write stores a page forwarding to target and returns its file:// URL.
// Old pages (older than PageLife) are removed first.
func (p *Pages) Write(target string) (string, error) {
	if p == nil || p.Dir == "" {
		return "", errors.New("no folder for the browser's forwarding page (HOME is not set)")
	}
	// A page of ours is a file:// document: it must only lead to the web
	// (or the container add-on), never to javascript:, data: or file: URLs
	// a hostile answer might hold.
	if !forwardable(target) {
		return "", fmt.Errorf("not opening %q in a browser: only http and https URLs are opened", redactURL(target))
	}
	if err := os.MkdirAll(p.Dir, 0o700); err != nil {
		return "", fmt.Errorf("creating the folder for the browser's forwarding page: %w", err)
	}
	// The folder is ours: tighten it if something loosened it.
	if err := os.Chmod(p.Dir, 0o700); err != nil {
		return "", fmt.Errorf("securing %s: %w", p.Dir, err)
	}
	p.sweep()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	path := filepath.Join(p.Dir, hex.EncodeToString(b)+".html")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("writing the browser's forwarding page: %w", err)
	}
	_, err = f.WriteString(forwardPage(target))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", fmt.Errorf("writing the browser's forwarding page: %w", err)
	}
	p.mu.Lock()
	p.written = append(p.written, path)
	p.mu.Unlock()
	return fileURL(path), nil
}

// Close removes the pages written by p; a caller that knows the browser
// has followed them (the SSO callback arrived) calls it.
func (p *Pages) Close() error {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var first error
	for _, path := range p.written {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) && first == nil {
			first = err
		}
	}
	p.written = nil
	return first
}

// sweep removes the pages of earlier launches that no browser needs any
// more; errors are ignored (a page another run is writing, a race).
func (p *Pages) sweep() {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	entries, err := os.ReadDir(p.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".html") {
			continue
		}
		info, err := e.Info()
		if err == nil && now().Sub(info.ModTime()) > PageLife {
			os.Remove(filepath.Join(p.Dir, e.Name()))
		}
	}
}

// forwardPage is the HTML that replaces itself by target (no history
// entry) by script, with a meta refresh and a link as fallbacks. The
// target is escaped for each context: JSON (which escapes <, >, &, U+2028
// and U+2029) inside the script, HTML entities in attributes.
func forwardPage(target string) string {
	js, _ := json.Marshal(target)
	attr := html.EscapeString(target)
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=` + attr + `">
<title>assume</title>
<script>location.replace(` + string(js) + `);</script>
</head><body><p><a href="` + attr + `">Continue</a></p></body></html>
`
}

// forwardable reports whether a page may lead to target: an http or
// https URL, or an ext+container URL wrapping one.
func forwardable(target string) bool {
	if q, ok := ParseContainerURL(target); ok {
		target = q["url"]
	}
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return true
	}
	return false
}

// fileURL is the file:// URL of an absolute path.
func fileURL(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/... on Windows
	}
	var b strings.Builder
	b.WriteString("file://")
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || c == '-' || c == '_' || c == '.' || c == '~' || c == ':' ||
			'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
