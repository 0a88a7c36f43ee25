package shell

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// Emit renders s as code for shellName, one statement per line:
//
//   - sh, bash, zsh: `unset NAME` and `export NAME='value'`;
//   - fish: `set -e -g NAME` and `set -g -x NAME 'value'` (global scope, so
//     a universal variable of the same name is never erased);
//   - pwsh: `Remove-Item -LiteralPath Env:NAME -ErrorAction Ignore` and
//     `$env:NAME = 'value'`;
//   - nu: one JSON object, names to set mapped to strings and names to unset
//     mapped to null: {"AWS_PROFILE":null,"AWS_REGION":"eu-west-1"}; the nu
//     wrapper applies it with hide-env and load-env;
//   - json: one JSON object with two members, both always present:
//     {"set":{"NAME":"value",…},"unset":["NAME",…]}, names sorted.
//
// "powershell" and "nushell" are accepted as aliases. Every format refuses
// invalid names and values holding a NUL byte; pwsh, nu and json also refuse
// values that are not valid UTF-8, which they could not carry intact.
func Emit(shellName string, s Script) (string, error) {
	format := canonical(shellName)
	switch format {
	case Sh, Bash, Zsh:
		return emitLines(format, s, false,
			func(n string) string { return "unset " + n },
			func(n, v string) string { return "export " + n + "=" + quotePOSIX(v) })
	case Fish:
		return emitLines(format, s, false,
			func(n string) string { return "set -e -g " + n },
			func(n, v string) string { return "set -g -x " + n + " " + quoteFish(v) })
	case Pwsh:
		return emitLines(format, s, true,
			func(n string) string { return "Remove-Item -LiteralPath Env:" + n + " -ErrorAction Ignore" },
			func(n, v string) string { return "$env:" + n + " = " + quotePwsh(v) })
	case Nu:
		p, err := s.normalize(format, true)
		if err != nil {
			return "", err
		}
		obj := make(map[string]*string, len(p.set)+len(p.unset))
		for _, n := range p.unset {
			obj[n] = nil
		}
		for _, a := range p.set {
			obj[a.name] = &a.value
		}
		return marshal(obj)
	case JSON:
		p, err := s.normalize(format, true)
		if err != nil {
			return "", err
		}
		out := struct {
			Set   map[string]string `json:"set"`
			Unset []string          `json:"unset"`
		}{Set: make(map[string]string, len(p.set)), Unset: append([]string{}, p.unset...)}
		for _, a := range p.set {
			out.Set[a.name] = a.value
		}
		return marshal(out)
	}
	return "", &UnsupportedError{Name: shellName, Supported: Formats()}
}

// emitLines renders a plan as one statement per line.
func emitLines(format string, s Script, needUTF8 bool, unset func(string) string, set func(string, string) string) (string, error) {
	p, err := s.normalize(format, needUTF8)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, n := range p.unset {
		b.WriteString(unset(n))
		b.WriteByte('\n')
	}
	for _, a := range p.set {
		b.WriteString(set(a.name, a.value))
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// marshal encodes v as one line of JSON with sorted keys, without the HTML
// escaping encoding/json does by default (it is harmless but unreadable).
func marshal(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Unreachable for strings; the error is not wrapped because
		// encoding/json errors may quote the value.
		return "", errors.New("encoding json failed")
	}
	return buf.String(), nil
}
