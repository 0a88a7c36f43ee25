// Package harden protects the secrets a process of assume holds from the
// rest of the machine: it keeps assume's own secret environment variables
// (the file keychain's passphrase) out of every child process, and keeps
// the process from being dumped (no core file, no ptrace by other processes
// of the same user, /proc/PID/environ and /proc/PID/mem readable by root
// only).
//
// Both executables call Process first thing; it costs two system calls.
package harden

import (
	"os"
	"strings"

	"github.com/assume-cli/assume/internal/term"
	"github.com/assume-cli/assume/internal/vault"
)

// SecretEnv lists the environment variables that hold a secret of assume
// itself. They reach assume-aws (which may need the keychain) and no other
// child: not an --exec command, a credential_process helper, a browser, gpg.
var SecretEnv = []string{vault.EnvPassphrase}

func isSecret(kv string) bool {
	for _, k := range SecretEnv {
		if strings.HasPrefix(kv, k+"=") {
			return true
		}
	}
	return false
}

// Scrub returns env without the variables of SecretEnv (env is not
// modified).
func Scrub(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !isSecret(kv) {
			out = append(out, kv)
		}
	}
	return out
}

// HideSecretEnv moves the variables of SecretEnv out of the process
// environment into s: s.Getenv and s.Environ still see them (so the
// keychain and the start of assume-aws, which pass s.Environ, work), but
// a child started with the process environment (exec.Cmd with a nil Env:
// credential_process, browsers, pass) does not get them.
func HideSecretEnv(s *term.Streams) {
	kept := map[string]string{}
	for _, k := range SecretEnv {
		if v, ok := os.LookupEnv(k); ok {
			kept[k] = v
			os.Unsetenv(k)
		}
	}
	if len(kept) == 0 {
		return
	}
	getenv, environ := s.Getenv, s.Environ
	s.Getenv = func(k string) string {
		if v, ok := kept[k]; ok {
			return v
		}
		return getenv(k)
	}
	s.Environ = func() []string {
		env := Scrub(environ())
		for _, k := range SecretEnv {
			if v, ok := kept[k]; ok {
				env = append(env, k+"="+v)
			}
		}
		return env
	}
}

// Process hardens the running process: HideSecretEnv and NoCoreDumps. A
// failure to disable dumps is not fatal (the process still works; the
// hardening is best effort on systems that refuse it).
func Process(s *term.Streams) {
	HideSecretEnv(s)
	_ = NoCoreDumps()
}
