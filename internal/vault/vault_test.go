package vault

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
)

var testKey = StaticKey(bytes.Repeat([]byte{7}, KeySize))

// stores returns one fresh instance of every Store implementation.
func stores(t *testing.T) map[string]Store {
	t.Helper()
	return map[string]Store{
		"memory": NewMemory(),
		"file":   NewFileStore(filepath.Join(t.TempDir(), "cache"), testKey),
	}
}

func TestStoreContract(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := s.Get("creds/a"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Get on empty store: err = %v, want ErrNotFound", err)
			}
			if err := s.Delete("creds/a"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Delete on empty store: err = %v, want ErrNotFound", err)
			}
			if keys, err := s.List(""); err != nil || len(keys) != 0 {
				t.Fatalf("List on empty store = %v, %v", keys, err)
			}
			entries := []struct{ key, value string }{
				{"creds/a", "alpha"},
				{"creds/b", ""},
				{"mfa/AKIA1/arn:aws:iam::1:mfa/x", "session"},
				{"id/AKIA1", "identity"},
				{"creds/a", "alpha-2"}, // overwrite
			}
			for _, e := range entries {
				if err := s.Set(e.key, []byte(e.value)); err != nil {
					t.Fatalf("Set(%q): %v", e.key, err)
				}
			}
			for key, want := range map[string]string{"creds/a": "alpha-2", "creds/b": "", "id/AKIA1": "identity"} {
				got, err := s.Get(key)
				if err != nil || string(got) != want {
					t.Errorf("Get(%q) = %q, %v; want %q", key, got, err, want)
				}
			}
			for _, tc := range []struct {
				prefix string
				want   []string
			}{
				{"", []string{"creds/a", "creds/b", "id/AKIA1", "mfa/AKIA1/arn:aws:iam::1:mfa/x"}},
				{"creds/", []string{"creds/a", "creds/b"}},
				{"mfa/", []string{"mfa/AKIA1/arn:aws:iam::1:mfa/x"}},
				{"nothing/", nil},
			} {
				got, err := s.List(tc.prefix)
				if err != nil || !slices.Equal(got, tc.want) {
					t.Errorf("List(%q) = %q, %v; want %q", tc.prefix, got, err, tc.want)
				}
			}
			if err := s.Delete("creds/a"); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if _, err := s.Get("creds/a"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Get after Delete: err = %v, want ErrNotFound", err)
			}
			for _, op := range []func() error{
				func() error { _, err := s.Get(""); return err },
				func() error { return s.Set("", nil) },
				func() error { return s.Delete("") },
			} {
				if err := op(); !errors.Is(err, ErrEmptyKey) {
					t.Errorf("empty key: err = %v, want ErrEmptyKey", err)
				}
			}
		})
	}
}

func TestMemoryCopiesValues(t *testing.T) {
	s := NewMemory()
	v := []byte("abc")
	s.Set("k", v)
	v[0] = 'x'
	got, _ := s.Get("k")
	got[1] = 'y'
	again, _ := s.Get("k")
	if string(again) != "abc" {
		t.Fatalf("stored value changed through caller slices: %q", again)
	}
}

func TestFileStorePermissionsAndNames(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix permissions")
	}
	root := t.TempDir()
	dir := filepath.Join(root, "cache", "assume")
	keyFile := filepath.Join(root, "config", "assume", "cache.key")
	s := NewFileStore(dir, NewFileKey(keyFile))
	if err := s.Set("creds/dev", []byte("secret-value")); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]fs.FileMode{
		dir:                   0o700 | fs.ModeDir,
		filepath.Dir(keyFile): 0o700 | fs.ModeDir,
		keyFile:               0o600,
		filepath.Join(dir, FileName("creds/dev")): 0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != FileName("creds/dev") || len(ents[0].Name()) != 64 {
		t.Fatalf("folder holds %v, want exactly the hashed entry (no temp files left)", ents)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, FileName("creds/dev")))
	if bytes.Contains(raw, []byte("secret-value")) || bytes.Contains(raw, []byte("creds/dev")) {
		t.Fatal("entry file holds the value or key name in clear")
	}
	if string(raw[:4]) != magic {
		t.Fatalf("entry starts with %q, want magic %q", raw[:4], magic)
	}
}

// TestFileStoreRejectsTampering covers every way a file can be damaged or
// foreign: each must give ErrCorrupt, never a wrong value or a panic.
func TestFileStoreRejectsTampering(t *testing.T) {
	dir := t.TempDir()
	s := NewFileStore(dir, testKey)
	if err := s.Set("creds/a", []byte("value-a")); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("creds/b", []byte("value-b")); err != nil {
		t.Fatal(err)
	}
	pathA := filepath.Join(dir, FileName("creds/a"))
	pathB := filepath.Join(dir, FileName("creds/b"))
	good, _ := os.ReadFile(pathA)
	goodB, _ := os.ReadFile(pathB)
	flip := func(i int) []byte { b := bytes.Clone(good); b[i] ^= 1; return b }

	otherKey := NewFileStore(t.TempDir(), StaticKey(bytes.Repeat([]byte{9}, KeySize)))
	otherKey.Set("creds/a", []byte("value-a"))
	foreign, _ := os.ReadFile(filepath.Join(otherKey.Dir(), FileName("creds/a")))

	tests := []struct {
		name string
		data []byte
	}{
		{"empty file", nil},
		{"magic only", []byte(magic)},
		{"truncated", good[:len(good)-1]},
		{"header only", good[:headerSize+tagSize-1]},
		{"bad magic", flip(0)},
		{"flipped nonce", flip(5)},
		{"flipped ciphertext", flip(headerSize + 1)},
		{"flipped tag", flip(len(good) - 1)},
		{"appended byte", append(bytes.Clone(good), 0)},
		{"other key's file under this name", goodB},
		{"written with another master key", foreign},
		{"json", []byte(`{"AccessKeyId":"AKIA"}`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(pathA, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			v, err := s.Get("creds/a")
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Get = %q, %v; want ErrCorrupt", v, err)
			}
			keys, err := s.List("")
			if err != nil || !slices.Equal(keys, []string{"creds/b"}) {
				t.Fatalf("List = %v, %v; want only the intact entry", keys, err)
			}
		})
	}
	// The store recovers by overwriting.
	if err := s.Set("creds/a", []byte("fresh")); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get("creds/a"); err != nil || string(v) != "fresh" {
		t.Fatalf("after overwrite: %q, %v", v, err)
	}
}

func TestFileStoreListSkipsStrangers(t *testing.T) {
	dir := t.TempDir()
	s := NewFileStore(dir, testKey)
	s.Set("x", []byte("1"))
	os.WriteFile(filepath.Join(dir, "README"), []byte("hi"), 0o600)
	os.Mkdir(filepath.Join(dir, FileName("dir")), 0o700)
	os.WriteFile(filepath.Join(dir, ".tmp-123"), []byte("partial"), 0o600)
	keys, err := s.List("")
	if err != nil || !slices.Equal(keys, []string{"x"}) {
		t.Fatalf("List = %v, %v", keys, err)
	}
	files, err := s.Files()
	if err != nil || len(files) != 1 {
		t.Fatalf("Files = %v, %v", files, err)
	}
}

func TestListOnMissingFolder(t *testing.T) {
	s := NewFileStore(filepath.Join(t.TempDir(), "absent"), testKey)
	if keys, err := s.List(""); err != nil || keys != nil {
		t.Fatalf("List = %v, %v", keys, err)
	}
}

func TestFileKeyCreatedOnceUnderRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config", "assume", "cache.key")
	const n = 16
	keys := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			keys[i], errs[i] = NewFileKey(path).MasterKey() // separate instances, like processes
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("racer %d: %v", i, errs[i])
		}
		if !bytes.Equal(keys[i], keys[0]) || len(keys[i]) != KeySize {
			t.Fatalf("racer %d got a different key", i)
		}
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Fatalf("key folder holds %d files, want 1 (temp files removed)", len(ents))
	}
	again, err := NewFileKey(path).MasterKey()
	if err != nil || !bytes.Equal(again, keys[0]) {
		t.Fatalf("re-read key differs: %v", err)
	}
}

func TestFileKeyMalformed(t *testing.T) {
	tests := []struct {
		name    string
		content string
		ok      bool
	}{
		{"valid", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", true},
		{"valid crlf", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n", true},
		{"valid no newline", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true},
		{"not hex", "zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", false},
		{"too long", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef00\n", false},
		{"short", "0123\n", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cache.key")
			os.WriteFile(path, []byte(tc.content), 0o600)
			key, err := NewFileKey(path).MasterKey()
			if (err == nil) != tc.ok {
				t.Fatalf("MasterKey = %x, %v; want ok=%v", key, err, tc.ok)
			}
			if err != nil && bytes.Contains([]byte(err.Error()), []byte("0123")) {
				t.Fatalf("error echoes key material: %v", err)
			}
		})
	}
}

func TestStaticKeySize(t *testing.T) {
	if _, err := StaticKey([]byte("short")).MasterKey(); err == nil {
		t.Fatal("short static key accepted")
	}
}

func TestRecoverNameMatchesGCM(t *testing.T) {
	// recoverName relies on GCM's counter layout; check it against real
	// files with names of many lengths (varint of 1 and 2 bytes).
	block, _ := aes.NewCipher(testKey)
	aead, _ := cipher.NewGCM(block)
	for _, n := range []int{1, 2, 15, 16, 17, 127, 128, 300} {
		name := string(bytes.Repeat([]byte{'k'}, n))
		b, err := seal(aead, name, []byte("v"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := recoverName(block, aead, b)
		if err != nil || got != name {
			t.Fatalf("len %d: recoverName = %q, %v", n, got, err)
		}
	}
}

func TestDefaultPaths(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want Paths
	}{
		{"home only", map[string]string{"HOME": "/h"},
			Paths{Dir: "/h/.cache/assume", KeyFile: "/h/.config/assume/cache.key"}},
		{"xdg", map[string]string{"HOME": "/h", "XDG_CACHE_HOME": "/c", "XDG_CONFIG_HOME": "/k"},
			Paths{Dir: "/c/assume", KeyFile: "/k/assume/cache.key"}},
		{"relative xdg ignored", map[string]string{"HOME": "/h", "XDG_CACHE_HOME": "rel", "XDG_CONFIG_HOME": "rel"},
			Paths{Dir: "/h/.cache/assume", KeyFile: "/h/.config/assume/cache.key"}},
		{"ASSUME_CACHE_DIR moves entries only", map[string]string{"HOME": "/h", "XDG_CACHE_HOME": "/c", "ASSUME_CACHE_DIR": "/t/cache"},
			Paths{Dir: "/t/cache", KeyFile: "/h/.config/assume/cache.key"}},
	}
	if runtime.GOOS == "windows" {
		t.Skip("unix paths")
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DefaultPaths(func(k string) string { return tc.env[k] })
			if err != nil || got != tc.want {
				t.Fatalf("DefaultPaths = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestOpenDefaultCreatesNothingUntilSet(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	s, err := OpenDefault(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("creds/x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get = %v", err)
	}
	if ents, _ := os.ReadDir(home); len(ents) != 0 {
		t.Fatalf("a read created %v", ents)
	}
	if err := s.Set("creds/x", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "assume", "cache.key")); err != nil {
		t.Fatal(err)
	}
}

// FuzzOpen feeds arbitrary bytes to the file parser: it must never panic,
// and must never accept a file it did not seal for that key.
func FuzzOpen(f *testing.F) {
	block, _ := aes.NewCipher(testKey)
	aead, _ := cipher.NewGCM(block)
	// A fixed nonce: fuzz workers rebuild this file and must get the same.
	good := sealNonce(aead, "creds/a", []byte(`{"v":1}`), make([]byte, nonceSize))
	f.Add(good, "creds/a")
	f.Add(good, "creds/b")
	f.Add([]byte(magic), "k")
	f.Add([]byte{}, "k")
	f.Add(append([]byte(magic), make([]byte, 40)...), "k")
	f.Fuzz(func(t *testing.T, b []byte, key string) {
		name, _, err := open(aead, b, key)
		if err == nil && name != key && !bytes.Equal(b, good) {
			t.Fatalf("accepted a foreign file for %q (name %q)", key, name)
		}
		if err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error %v does not wrap ErrCorrupt", err)
		}
		if n, err := recoverName(block, aead, b); err == nil && !bytes.Equal(b, good) {
			t.Fatalf("recovered name %q from a file not sealed here", n)
		}
	})
}

// FuzzRoundTrip checks that anything sealed opens to itself.
func FuzzRoundTrip(f *testing.F) {
	f.Add("creds/a", []byte("v"))
	f.Add("k", []byte{})
	f.Fuzz(func(t *testing.T, key string, value []byte) {
		block, _ := aes.NewCipher(testKey)
		aead, _ := cipher.NewGCM(block)
		b, err := seal(aead, key, value)
		if err != nil {
			t.Fatal(err)
		}
		name, got, err := open(aead, b, key)
		if err != nil || name != key || !bytes.Equal(got, value) {
			t.Fatalf("round trip: %q %q %v", name, got, err)
		}
		if n, err := recoverName(block, aead, b); err != nil || n != key {
			t.Fatalf("recoverName = %q, %v", n, err)
		}
	})
}
