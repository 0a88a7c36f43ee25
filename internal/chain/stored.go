package chain

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/assume-cli/assume/internal/awsconfig"
)

// KindStored is an IAM user's long-lived access keys kept in the OS
// keychain by `assume creds add/import`: the profile says
// `credential_process = assume credential-process --profile NAME` (its own
// name). assume reads the keychain itself instead of starting a process;
// other tools run the command.
const KindStored Kind = "keychain"

// StoredProcessCommand is the credential_process line that `assume creds`
// writes for profile.
func StoredProcessCommand(profile string) string {
	return "assume credential-process --profile " + shellWord(profile)
}

// shellWord quotes s for a POSIX shell when it needs quoting.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// IsStoredProcess reports whether command is assume's own credential
// process for profile: argv[0] named assume (any folder, .exe allowed),
// then credential-process and --profile/-p naming profile, and nothing
// else that changes the answer.
func IsStoredProcess(command, profile string) bool {
	if args, ok := splitWords(command); ok && isStoredArgs(args, profile) {
		return true
	}
	// Windows runs the command through cmd.exe: backslashes are folder
	// separators and only double quotes group.
	return isStoredArgs(splitWindows(command), profile)
}

// splitWindows splits at blanks outside double quotes.
func splitWindows(s string) []string {
	var words []string
	var cur strings.Builder
	quoted, inWord := false, false
	for _, c := range s {
		switch {
		case c == '"':
			quoted, inWord = !quoted, true
		case (c == ' ' || c == '\t') && !quoted:
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		default:
			cur.WriteRune(c)
			inWord = true
		}
	}
	if inWord && !quoted {
		words = append(words, cur.String())
	}
	return words
}

// isStoredArgs is IsStoredProcess on a split command line.
func isStoredArgs(args []string, profile string) bool {
	if len(args) < 3 {
		return false
	}
	base := strings.TrimSuffix(filepath.Base(strings.ReplaceAll(args[0], `\`, "/")), ".exe")
	if base != "assume" || args[1] != "credential-process" {
		return false
	}
	var named string
	for i := 2; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--profile" || a == "-p":
			if i+1 >= len(args) {
				return false
			}
			named = args[i+1]
			i++
		case strings.HasPrefix(a, "--profile="):
			named = strings.TrimPrefix(a, "--profile=")
		default:
			return false // other flags (a region, a duration) change the answer
		}
	}
	return named == profile
}

// splitWords splits a command line the way a POSIX shell would for plain
// words, single and double quotes and backslashes; anything else (a
// variable, a pipe) makes it not ours.
func splitWords(s string) ([]string, bool) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, false
			}
			cur.WriteString(s[i+1 : i+1+j])
			i, inWord = i+1+j, true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`+"`", s[i+1]) >= 0 {
					i++
				} else if s[i] == '$' || s[i] == '`' {
					return nil, false
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, false
			}
			inWord = true
		case c == '\\':
			if i+1 >= len(s) {
				return nil, false
			}
			i++
			cur.WriteByte(s[i])
			inWord = true
		case strings.IndexByte("$`|&;<>(){}*?[~#!\n", c) >= 0:
			return nil, false
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, true
}

// StoredKeysError reports a profile whose keys should be in the keychain
// but are not.
type StoredKeysError struct {
	Profile string
	Where   string // file:line of the credential_process line
	Err     error
}

func (e *StoredKeysError) Error() string {
	return fmt.Sprintf("profile %s (credential_process at %s): reading its access keys from the keychain: %v", e.Profile, e.Where, e.Err)
}

// Unwrap returns the keychain's error.
func (e *StoredKeysError) Unwrap() error { return e.Err }

// Hint implements the hint interface.
func (e *StoredKeysError) Hint() string {
	return "assume creds ls lists the stored keys; assume creds add " + e.Profile + " stores them again; assume settings get keychain shows which keychain is used"
}

// WithStoredKeys returns the plan with every keychain step replaced by the
// static keys lookup returns for it (the plan itself is not changed). A
// plan without such steps is returned as is, without calling lookup.
func (p *Plan) WithStoredKeys(lookup func(profile string) (accessKeyID, secret string, err error)) (*Plan, error) {
	has := false
	for i := range p.Steps {
		has = has || p.Steps[i].Kind == KindStored
	}
	if !has {
		return p, nil
	}
	q := *p
	q.Steps = append([]Step(nil), p.Steps...)
	for i := range q.Steps {
		st := &q.Steps[i]
		if st.Kind != KindStored {
			continue
		}
		id, secret, err := lookup(st.Profile)
		if err != nil {
			return nil, &StoredKeysError{Profile: st.Profile, Where: st.CredentialProcess.Where(), Err: err}
		}
		where := awsconfig.Value{Set: true, File: "keychain"}
		idv, sv := where, where
		idv.Text, sv.Text = id, secret
		q.Steps[i] = Step{Kind: KindStatic, Profile: st.Profile, AccessKeyID: idv, SecretAccessKey: sv}
	}
	return &q, nil
}
