package vault

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var cheapKDF = KDFParams{Time: 1, Memory: 64, Threads: 1}

func TestPassphraseKey(t *testing.T) {
	dir := t.TempDir()
	env := func(p string) func(string) string {
		return func(k string) string {
			if k == EnvPassphrase {
				return p
			}
			return ""
		}
	}
	k1 := &PassphraseKey{Dir: dir, Getenv: env("pw"), Params: cheapKDF}
	key1, err := k1.MasterKey()
	if err != nil || len(key1) != KeySize {
		t.Fatalf("MasterKey = %x, %v", key1, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, ParamsFileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("params file: %v, %v", fi, err)
	}
	tests := []struct {
		name string
		k    *PassphraseKey
		want error
	}{
		{"same passphrase", &PassphraseKey{Dir: dir, Getenv: env("pw")}, nil},
		{"prompt", &PassphraseKey{Dir: dir, Getenv: env(""), Prompt: func(string) (string, error) { return "pw", nil }}, nil},
		{"wrong", &PassphraseKey{Dir: dir, Getenv: env("Pw")}, ErrWrongPassphrase},
		{"none", &PassphraseKey{Dir: dir, Getenv: env("")}, ErrLocked},
		{"none, new store", &PassphraseKey{Dir: filepath.Join(dir, "new"), Getenv: env("")}, ErrUnavailable},
	}
	for _, tt := range tests {
		key, err := tt.k.MasterKey()
		if !errors.Is(err, tt.want) || (tt.want == nil && string(key) != string(key1)) {
			t.Errorf("%s: MasterKey = %x, %v; want %v", tt.name, key, err, tt.want)
		}
	}
}

func TestPassphraseKeyCreatedOnceUnderRace(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	keys := make([][]byte, 6)
	for i := range keys {
		wg.Go(func() {
			k := &PassphraseKey{Dir: dir, Getenv: func(string) string { return "pw" }, Params: cheapKDF}
			keys[i], _ = k.MasterKey()
		})
	}
	wg.Wait()
	for _, k := range keys {
		if k == nil || string(k) != string(keys[0]) {
			t.Fatalf("racing creators disagree: %x", keys)
		}
	}
}

func FuzzParseParams(f *testing.F) {
	f.Add([]byte(`{"version":1,"kdf":"argon2id","time":1,"memory_kib":64,"threads":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA==","check":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"kdf":"argon2id","time":1,"memory_kib":4294967295,"threads":255}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseParams(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		if p.Memory > maxKDFMemory || p.Time > maxKDFTime || p.Threads == 0 || len(p.Check) != 32 {
			t.Fatalf("accepted out-of-range params %+v", p)
		}
	})
}
