package cli

import (
	"context"
	"io"
	"sort"
	"strings"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/console"
	"github.com/assume-cli/assume/internal/flags"
	"github.com/assume-cli/assume/internal/shell"
	"github.com/assume-cli/assume/internal/term"
)

// completionShells are the shells `assume completion` writes a script for.
var completionShells = []string{"bash", "zsh", "fish", "pwsh"}

// runCompletion prints the completion script of a shell.
func runCompletion(_ context.Context, args []string, s *term.Streams) error {
	pos, err := simpleFlags(s, "completion", args, func(*flags.FlagSet) {})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("completion needs a shell: assume completion %s", strings.Join(completionShells, "|"))
	}
	script, ok := completionScript(pos[0])
	if !ok {
		return usageErr("completion: unknown shell %q (one of %s)", pos[0], strings.Join(completionShells, ", "))
	}
	_, err = io.WriteString(s.Out, script)
	return err
}

// runComplete is the hidden `assume __complete TOPIC [ARG...]` the
// completion scripts call. It prints candidates one per line and never fails
// loudly: a broken config simply completes nothing.
//
// Topics: profiles, sso-sessions, services, flags [COMMAND [SUBCOMMAND]],
// args [COMMAND [SUBCOMMAND]]. The flags come from the commands'
// declarations (internal/commands).
func runComplete(_ context.Context, args []string, s *term.Streams) error {
	if len(args) == 0 {
		return usageErr("__complete needs a topic")
	}
	var words []string
	arg, sub := "", ""
	if len(args) > 1 {
		arg = args[1]
	}
	if len(args) > 2 {
		sub = args[2]
	}
	switch args[0] {
	case "profiles":
		words = completeProfiles(s)
	case "sso-sessions":
		words = completeSSOSessions(s)
	case "services":
		for _, sv := range console.Services() {
			words = append(words, sv.Name)
		}
	case "flags":
		words = completeFlags(arg, sub)
	case "args":
		words = completeArgs(s, arg, sub)
	default:
		return usageErr("__complete: unknown topic %q", args[0])
	}
	var b strings.Builder
	for _, w := range words {
		b.WriteString(w)
		b.WriteByte('\n')
	}
	_, err := io.WriteString(s.Out, b.String())
	return err
}

// command finds the command a completion is for: the first word, when it is
// a command (else nil: a profile or a flag).
func command(word string) *commands.Command {
	if word == "" || strings.Contains(word, " ") {
		return nil
	}
	return commands.Lookup(word)
}

// completeFlags lists the flags of command cmd ("" or a profile: assume
// PROFILE's), of its subcommand sub when sub is one, else of all its
// subcommands.
func completeFlags(cmd, sub string) []string {
	c := command(cmd)
	if c == nil {
		c = &commands.Main
	}
	if sc := c.Subcommand(sub); sc != nil {
		c = sc
	}
	var words []string
	for _, f := range c.AllFlags() {
		words = append(words, "--"+f.Long)
	}
	return words
}

// completeArgs lists the positional words after command cmd ("": the
// first word, a command or a profile) and its subcommand sub.
func completeArgs(s *term.Streams, cmd, sub string) []string {
	switch {
	case cmd == "":
		var words []string
		for i := range commands.All {
			if c := &commands.All[i]; !c.Hidden() {
				words = append(words, c.Name)
			}
		}
		return append(words, completeProfiles(s)...)
	case strings.HasPrefix(cmd, "-"):
		// assume --refresh PROFILE: a command can only come first.
		return completeProfiles(s)
	}
	c := command(cmd)
	switch {
	case c == nil:
		return nil
	case c.Name == "settings":
		if sub != "" {
			return settingsCompletions([]string{sub})
		}
		return settingsCompletions(nil)
	case c.Name == "help":
		words := []string{"exit-codes"}
		for i := range commands.All {
			if h, ok := lookupHelp(commands.All[i].Name); ok && h == &commands.All[i] {
				words = append(words, h.Name)
			}
		}
		return words
	case len(c.Sub) > 0:
		if sc := c.Subcommand(sub); sc != nil {
			c = sc
			break
		}
		words := make([]string, 0, len(c.Sub))
		for i := range c.Sub {
			words = append(words, c.Sub[i].Word())
		}
		return words
	}
	if c.ArgKind == flags.CompleteProfiles {
		return completeProfiles(s)
	}
	return c.Args
}

// completeProfiles lists the profile names: a scan of the section headers,
// nothing parsed.
func completeProfiles(s *term.Streams) []string {
	cfgPath, credPath := awsconfig.Locate(s.Getenv)
	files, err := awsconfig.Open(cfgPath, credPath)
	if err != nil {
		return nil
	}
	names := files.ProfileNames()
	sort.Strings(names)
	return names
}

// completeSSOSessions lists the [sso-session NAME] sections.
func completeSSOSessions(s *term.Streams) []string {
	set, err := loadProfileSet(s)
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(set.SSOSessions))
	for n := range set.SSOSessions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// completionScript is the script of `assume completion SHELL`. Every list
// it completes comes from `assume __complete`, so it never goes stale; the
// flags that take a value are filled in from the commands' declarations.
func completionScript(sh string) (string, bool) {
	t, ok := completionTemplates[sh]
	if !ok {
		return "", false
	}
	var pairs []string
	for _, kind := range []string{flags.CompleteProfiles, flags.CompleteSSOSessions, flags.CompleteServices,
		flags.CompletePrint, flags.CompleteFiles, ""} {
		names := valueFlags(kind)
		if sh == "pwsh" && kind == "" {
			names = append(valueFlags(flags.CompleteFiles), names...) // no file completion there
		}
		var list string
		switch sh {
		case "bash", "zsh":
			list = strings.Join(names, "|")
		case "fish":
			list = strings.Join(names, " ")
		case "pwsh":
			list = "'" + strings.Join(names, "', '") + "'"
		}
		if kind == "" {
			kind = "none"
		}
		pairs = append(pairs, "{{"+kind+"}}", list)
	}
	formats := shell.PrintFormats()
	switch sh {
	case "bash":
		pairs = append(pairs, "{{formats}}", "$'"+strings.Join(formats, `\n`)+"'")
	case "zsh", "fish":
		pairs = append(pairs, "{{formats}}", strings.Join(formats, " "))
	case "pwsh":
		pairs = append(pairs, "{{formats}}", "'"+strings.Join(formats, "', '")+"'")
	}
	return strings.NewReplacer(pairs...).Replace(t), true
}

// valueFlags lists every flag (-s and --long) that takes a value completed
// the way kind says ("": nothing to complete), over all commands.
func valueFlags(kind string) []string {
	var names []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	commands.Each(func(c *commands.Command) {
		for _, f := range c.OwnFlags() {
			if !f.TakesValue() || f.Complete != kind {
				continue
			}
			if f.Short != "" {
				add("-" + f.Short)
			}
			add("--" + f.Long)
		}
	})
	return names
}

var completionTemplates = map[string]string{
	"bash": `# assume completion for bash. Load it with
#   eval "$(assume completion bash)"
# in ~/.bashrc, or save it as ~/.local/share/bash-completion/completions/assume.
_assume_complete() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" sub="" i
    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
    (( COMP_CWORD > 1 )) && sub="${COMP_WORDS[1]}"
    local sub2=""
    (( COMP_CWORD > 2 )) && sub2="${COMP_WORDS[2]}"
    for (( i = 1; i < COMP_CWORD; i++ )); do
        if [[ "${COMP_WORDS[i]}" == "--" ]]; then
            compopt -o default 2>/dev/null
            COMPREPLY=()
            return 0
        fi
    done
    local IFS=$'\n' words
    case "$prev" in
        {{profiles}}) words="$(command assume __complete profiles 2>/dev/null)" ;;
        {{sso-sessions}}) words="$(command assume __complete sso-sessions 2>/dev/null)" ;;
        {{print}}) words={{formats}} ;;
        {{services}}) words="$(command assume __complete services 2>/dev/null)" ;;
        {{files}})
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0 ;;
        {{none}})
            COMPREPLY=()
            return 0 ;;
        *)
            if [[ "$cur" == -* ]]; then
                words="$(command assume __complete flags "$sub" "$sub2" 2>/dev/null)"
            else
                words="$(command assume __complete args "$sub" "$sub2" 2>/dev/null)"
            fi ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return 0
}
complete -F _assume_complete assume
`,
	"zsh": `#compdef assume
# assume completion for zsh. Load it with
#   eval "$(assume completion zsh)"
# in ~/.zshrc after compinit, or save it as _assume in a folder of $fpath.
_assume() {
    local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}" sub=""
    (( CURRENT > 2 )) && sub="${words[2]}"
    local sub2=""
    (( CURRENT > 3 )) && sub2="${words[3]}"
    if (( ${words[(I)--]} > 1 && ${words[(I)--]} < CURRENT )); then
        _files
        return
    fi
    local -a cands
    case "$prev" in
        {{profiles}}) cands=(${(f)"$(command assume __complete profiles 2>/dev/null)"}) ;;
        {{sso-sessions}}) cands=(${(f)"$(command assume __complete sso-sessions 2>/dev/null)"}) ;;
        {{print}}) cands=({{formats}}) ;;
        {{services}}) cands=(${(f)"$(command assume __complete services 2>/dev/null)"}) ;;
        {{files}}) _files; return ;;
        {{none}})
            return 1 ;;
        *)
            if [[ "$cur" == -* ]]; then
                cands=(${(f)"$(command assume __complete flags "$sub" "$sub2" 2>/dev/null)"})
            else
                cands=(${(f)"$(command assume __complete args "$sub" "$sub2" 2>/dev/null)"})
            fi ;;
    esac
    compadd -- "${cands[@]}"
}
if (( $+functions[compdef] )); then
    compdef _assume assume
fi
`,
	"fish": `# assume completion for fish. Load it with
#   assume completion fish | source
# in ~/.config/fish/config.fish, or save it as ~/.config/fish/completions/assume.fish.
function __assume_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l prev $tokens[-1]
    set -l sub ''
    if test (count $tokens) -ge 2
        set sub $tokens[2]
    end
    set -l sub2 ''
    if test (count $tokens) -ge 3
        set sub2 $tokens[3]
    end
    if contains -- -- $tokens[2..-1]
        __fish_complete_path $cur
        return
    end
    switch $prev
        case {{profiles}}
            command assume __complete profiles 2>/dev/null
        case {{sso-sessions}}
            command assume __complete sso-sessions 2>/dev/null
        case {{print}}
            printf '%s\n' {{formats}}
        case {{services}}
            command assume __complete services 2>/dev/null
        case {{files}}
            __fish_complete_path $cur
        case {{none}}
            return
        case '*'
            if string match -q -- '-*' $cur
                command assume __complete flags $sub $sub2 2>/dev/null
            else
                command assume __complete args $sub $sub2 2>/dev/null
            end
    end
end
complete -c assume -e
complete -c assume -f -a '(__assume_complete)'
`,
	"pwsh": `# assume completion for PowerShell. Load it with
#   assume completion pwsh | Out-String | Invoke-Expression
# in your $PROFILE.
Register-ArgumentCompleter -Native -CommandName assume -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    # The binary, not the shell function of the same name.
    $exe = Get-Command -Name assume -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $exe) { return }
    $elems = @($commandAst.CommandElements |
        Where-Object { $_.Extent.StartOffset -lt $cursorPosition } |
        ForEach-Object { $_.Extent.Text })
    if ($wordToComplete -ne '' -and $elems.Count -gt 0) {
        $elems = @($elems | Select-Object -First ($elems.Count - 1))
    }
    $prev = if ($elems.Count -gt 0) { $elems[-1] } else { '' }
    $sub = if ($elems.Count -ge 2) { $elems[1] } else { '' }
    $sub2 = if ($elems.Count -ge 3) { $elems[2] } else { '' }
    if ($elems -contains '--') { return }
    $cands = switch ($prev) {
        { $_ -in {{profiles}} } { & $exe __complete profiles 2>$null; break }
        { $_ -in {{sso-sessions}} } { & $exe __complete sso-sessions 2>$null; break }
        { $_ -in {{print}} } { {{formats}}; break }
        { $_ -in {{services}} } { & $exe __complete services 2>$null; break }
        { $_ -in {{none}} } { break }
        default {
            if ($wordToComplete.StartsWith('-')) { & $exe __complete flags $sub $sub2 2>$null }
            else { & $exe __complete args $sub $sub2 2>$null }
        }
    }
    $cands | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`,
}
