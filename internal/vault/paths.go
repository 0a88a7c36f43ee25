package vault

import (
	"errors"
	"os"
	"path/filepath"
)

// Paths are where the default file store keeps its entries and its key.
type Paths struct {
	Dir     string // entries: $ASSUME_CACHE_DIR, else $XDG_CACHE_HOME/assume, else ~/.cache/assume
	KeyFile string // master key: $XDG_CONFIG_HOME/assume/cache.key, else ~/.config/assume/cache.key
}

// DefaultPaths resolves the default locations from the environment read
// through getenv (os.Getenv when nil). ASSUME_CACHE_DIR moves only the
// entries, so that tests can isolate them; the key stays in the config
// folder, away from the data it protects.
func DefaultPaths(getenv func(string) string) (Paths, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	home := func() (string, error) {
		if h := getenv("HOME"); h != "" {
			return h, nil
		}
		h, err := os.UserHomeDir()
		if err != nil || h == "" {
			return "", errors.New("cannot find the home folder for the credential cache: set HOME or XDG_CACHE_HOME and XDG_CONFIG_HOME")
		}
		return h, nil
	}
	var p Paths
	switch {
	case getenv("ASSUME_CACHE_DIR") != "":
		p.Dir = getenv("ASSUME_CACHE_DIR")
	case filepath.IsAbs(getenv("XDG_CACHE_HOME")):
		p.Dir = filepath.Join(getenv("XDG_CACHE_HOME"), "assume")
	default:
		h, err := home()
		if err != nil {
			return Paths{}, err
		}
		p.Dir = filepath.Join(h, ".cache", "assume")
	}
	if x := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		p.KeyFile = filepath.Join(x, "assume", "cache.key")
	} else {
		h, err := home()
		if err != nil {
			return Paths{}, err
		}
		p.KeyFile = filepath.Join(h, ".config", "assume", "cache.key")
	}
	return p, nil
}

// OpenDefault returns the file store at the default paths, with its master
// key in the default key file. Nothing is created until the first Set (or
// the first read of a missing key file). It holds the session cache, so its
// entries are written without fsync (a crash costs a re-fetch, never a
// torn file: the rename stays atomic); two fsyncs were about a millisecond
// of an uncached run. The master key file is still synced.
func OpenDefault(getenv func(string) string) (*FileStore, error) {
	p, err := DefaultPaths(getenv)
	if err != nil {
		return nil, err
	}
	s := NewFileStore(p.Dir, NewFileKey(p.KeyFile))
	s.noSync = true
	return s, nil
}
