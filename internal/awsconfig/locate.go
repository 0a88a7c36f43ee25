package awsconfig

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Locate returns the paths of the config and credentials files on this
// machine, as the SDKs find them: AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE (with a leading "~" expanded), else
// ~/.aws/config and ~/.aws/credentials. When the environment names no home
// folder, /etc/passwd is asked (not os/user: with cgo it makes the binary
// dynamically linked, which costs every run a few milliseconds of loading).
func Locate(getenv func(string) string) (config, credentials string) {
	home := homeDir(runtime.GOOS, getenv)
	if home == "" && runtime.GOOS != "windows" {
		home = passwdHome(os.Getuid())
	}
	return locate(runtime.GOOS, getenv, home)
}

// passwdHome returns the home folder of uid from /etc/passwd, or "".
func passwdHome(uid int) string {
	f, err := os.Open("/etc/passwd")
	if err != nil {
		return ""
	}
	defer f.Close()
	want := strconv.Itoa(uid)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// name:password:uid:gid:gecos:home:shell
		fields := strings.Split(sc.Text(), ":")
		if len(fields) >= 7 && fields[2] == want {
			return fields[5]
		}
	}
	return ""
}

// LocateOn is Locate for the platform goos ("windows", "linux", "darwin", …)
// using only the environment, so that every platform's rules can be tested
// anywhere. The home folder is $HOME; on Windows, when HOME is unset,
// %USERPROFILE%, else %HOMEDRIVE%%HOMEPATH%. Without any of them the default
// paths are relative (".aws/config").
func LocateOn(goos string, getenv func(string) string) (config, credentials string) {
	return locate(goos, getenv, homeDir(goos, getenv))
}

func locate(goos string, getenv func(string) string, home string) (config, credentials string) {
	sep := "/"
	if goos == "windows" {
		sep = `\`
	}
	pick := func(env, file string) string {
		if p := getenv(env); p != "" {
			return expandHome(goos, p, home)
		}
		if home == "" {
			return ".aws" + sep + file
		}
		return strings.TrimRight(home, sep) + sep + ".aws" + sep + file
	}
	return pick("AWS_CONFIG_FILE", "config"), pick("AWS_SHARED_CREDENTIALS_FILE", "credentials")
}

// homeDir finds the home folder in the environment the way the SDKs do.
func homeDir(goos string, getenv func(string) string) string {
	if h := getenv("HOME"); h != "" {
		return h
	}
	if goos != "windows" {
		return ""
	}
	if h := getenv("USERPROFILE"); h != "" {
		return h
	}
	drive, path := getenv("HOMEDRIVE"), getenv("HOMEPATH")
	if drive != "" || path != "" {
		return drive + path
	}
	return ""
}

// expandHome replaces a leading "~" (alone, or followed by a separator) with
// the home folder. "~user/…" is left alone.
func expandHome(goos, p, home string) string {
	if home == "" || !strings.HasPrefix(p, "~") {
		return p
	}
	rest := p[1:]
	if rest == "" || rest[0] == '/' || (goos == "windows" && rest[0] == '\\') {
		return home + rest
	}
	return p
}

// ProfileFromEnv returns the profile the environment selects: AWS_PROFILE,
// else AWS_DEFAULT_PROFILE, else "default" (the order of AWS CLI v2 and the
// Go SDK).
func ProfileFromEnv(getenv func(string) string) string {
	if p := getenv("AWS_PROFILE"); p != "" {
		return p
	}
	if p := getenv("AWS_DEFAULT_PROFILE"); p != "" {
		return p
	}
	return defaultName
}
