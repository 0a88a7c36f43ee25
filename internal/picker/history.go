package picker

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/atomicfile"
)

// MaxHistory is the number of uses the history file keeps.
const MaxHistory = 500

// halfLife is the age at which a use counts half as much as a use now.
const halfLife = 7 * 24 * time.Hour

// Use is one recorded use of a profile.
type Use struct {
	Profile string
	At      time.Time
}

// History is the list of recently used profiles, oldest first. The zero
// value is an empty history that is never saved.
type History struct {
	path string
	uses []Use
}

// HistoryPath returns the default history file:
// $XDG_STATE_HOME/assume/history, or ~/.local/state/assume/history when
// XDG_STATE_HOME is unset or not absolute.
func HistoryPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "assume", "history"), nil
	}
	home := getenv("HOME")
	if home == "" {
		home = getenv("USERPROFILE")
	}
	if home == "" {
		return "", errors.New("finding the history file: neither XDG_STATE_HOME nor HOME is set")
	}
	return filepath.Join(home, ".local", "state", "assume", "history"), nil
}

// LoadHistory reads the history file at path. A missing or damaged file
// reads as an empty history (lines that do not parse are skipped). The
// returned History is never nil, so a caller may ignore a read error and go
// on with an empty history.
func LoadHistory(path string) (*History, error) {
	h := &History{path: path}
	data, _, err := atomicfile.Read(path, atomicfile.MaxSmallSize)
	if err != nil {
		var tl *atomicfile.TooLargeError
		if errors.Is(err, fs.ErrNotExist) || errors.As(err, &tl) {
			return h, nil // too large: damaged, read as empty
		}
		return h, fmt.Errorf("reading history: %w", err)
	}
	h.uses = parseHistory(data)
	return h, nil
}

// parseHistory parses the file format; it never fails.
func parseHistory(data []byte) []Use {
	var uses []Use
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		ts, name, ok := strings.Cut(sc.Text(), " ")
		if !ok || name == "" || strings.ContainsAny(name, "\r\n") {
			continue
		}
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || sec < 0 {
			continue
		}
		uses = append(uses, Use{Profile: name, At: time.Unix(sec, 0)})
	}
	if len(uses) > MaxHistory {
		uses = uses[len(uses)-MaxHistory:]
	}
	return uses
}

func formatHistory(uses []Use) []byte {
	var b bytes.Buffer
	for _, u := range uses {
		b.WriteString(strconv.FormatInt(u.At.Unix(), 10))
		b.WriteByte(' ')
		b.WriteString(u.Profile)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Uses returns a copy of the recorded uses, oldest first.
func (h *History) Uses() []Use {
	if h == nil {
		return nil
	}
	return append([]Use(nil), h.uses...)
}

// Record adds a use of profile at the given time and saves the file: it
// reads the file again first (another shell may have recorded meanwhile),
// keeps the last MaxHistory uses and replaces the file atomically, 0600 in a
// 0700 folder.
func (h *History) Record(profile string, at time.Time) error {
	if profile == "" || strings.ContainsAny(profile, "\r\n") {
		return fmt.Errorf("recording %q in history: not a profile name", profile)
	}
	if h.path == "" {
		h.uses = appendUse(h.uses, Use{Profile: profile, At: at})
		return nil
	}
	if data, _, err := atomicfile.Read(h.path, atomicfile.MaxSmallSize); err == nil {
		h.uses = parseHistory(data)
	}
	h.uses = appendUse(h.uses, Use{Profile: profile, At: at})
	if err := writeAtomic(h.path, formatHistory(h.uses)); err != nil {
		return fmt.Errorf("saving history: %w", err)
	}
	return nil
}

func appendUse(uses []Use, u Use) []Use {
	uses = append(uses, u)
	if len(uses) > MaxHistory {
		uses = append([]Use(nil), uses[len(uses)-MaxHistory:]...)
	}
	return uses
}

func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	// No fsync: the history is recorded on every interactive assume, and a
	// file lost in a crash only resets the ordering (a damaged file reads
	// as empty).
	return atomicfile.Write(path, data, atomicfile.Options{Perm: 0o600, FollowSymlink: true, NoSync: true})
}

// Frecency returns each profile's frecency at now: the sum over its uses of
// 2^(-age/7 days). Uses in the future count as now.
func (h *History) Frecency(now time.Time) map[string]float64 {
	if h == nil {
		return nil
	}
	out := make(map[string]float64)
	for _, u := range h.uses {
		age := now.Sub(u.At)
		if age < 0 {
			age = 0
		}
		out[u.Profile] += math.Exp2(-float64(age) / float64(halfLife))
	}
	return out
}
