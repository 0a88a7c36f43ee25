package shell

import "strings"

// Dotenv renders the names s sets as a dotenv file (docker --env-file,
// compose, direnv's dotenv): a comment line with header unless it is
// empty, then NAME=value lines, sorted by name. A dotenv file cannot unset,
// so s.Unset is ignored. Names and values are checked as for Emit.
func Dotenv(header string, s Script) (string, error) {
	p, err := s.normalize("dotenv", false)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if header != "" {
		b.WriteString("# " + strings.ReplaceAll(header, "\n", " ") + "\n")
	}
	for _, a := range p.set {
		b.WriteString(a.name + "=" + quoteDotenv(a.value) + "\n")
	}
	return b.String(), nil
}

// quoteDotenv quotes a value for dotenv readers (docker --env-file takes
// values verbatim, so plain values stay unquoted).
func quoteDotenv(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\"'`$\\#\n") {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "$", `\$`, "`", "\\`")
	return `"` + r.Replace(v) + `"`
}
