package shell

import "strings"

// completionFile is the completion script of a shell that has one. A script
// asks `assume __complete` for every list it completes, so it never goes
// stale; what it cannot ask at each key press, the flags whose value is
// completed one way or another, is filled in by Completion at placeholders
// {{profiles}}, {{sso-sessions}}, {{services}}, {{print}}, {{files}},
// {{none}} (flags with a value not to complete) and {{formats}} (the
// --print formats).
func completionFile(name string) (string, bool) {
	switch name {
	case Bash, Zsh, Fish:
		return "init/completion." + name, true
	case Pwsh:
		return "init/completion.ps1", true
	}
	return "", false
}

// CompletionShells lists the shells `assume completion` writes a script for.
func CompletionShells() []string { return []string{Bash, Zsh, Fish, Pwsh} }

// CompletionFlags are the flags (-s and --long) that take a value, by how
// their value completes.
type CompletionFlags struct {
	Profiles    []string // a profile name
	SSOSessions []string // an sso-session name
	Services    []string // a console service
	Print       []string // a --print format
	Files       []string // a file name
	None        []string // a value there is nothing to complete for
}

// Completion returns the completion script of shellName (exactly one of
// CompletionShells) with the flag lists f filled in; false for another
// shell.
func Completion(shellName string, f CompletionFlags) (string, bool) {
	file, ok := completionFile(shellName)
	if !ok {
		return "", false
	}
	text, err := initScripts.ReadFile(file)
	if err != nil {
		return "", false // unreachable: the files are embedded
	}
	none := f.None
	if shellName == Pwsh {
		none = append(append([]string{}, f.Files...), none...) // no file completion there
	}
	list := func(names []string) string {
		switch shellName {
		case Bash, Zsh:
			return strings.Join(names, "|")
		case Fish:
			return strings.Join(names, " ")
		}
		return "'" + strings.Join(names, "', '") + "'"
	}
	formats := PrintFormats()
	var formatList string
	switch shellName {
	case Bash:
		formatList = "$'" + strings.Join(formats, `\n`) + "'"
	case Zsh, Fish:
		formatList = strings.Join(formats, " ")
	case Pwsh:
		formatList = "'" + strings.Join(formats, "', '") + "'"
	}
	return strings.NewReplacer(
		"{{profiles}}", list(f.Profiles),
		"{{sso-sessions}}", list(f.SSOSessions),
		"{{services}}", list(f.Services),
		"{{print}}", list(f.Print),
		"{{files}}", list(f.Files),
		"{{none}}", list(none),
		"{{formats}}", formatList,
	).Replace(string(text)), true
}
