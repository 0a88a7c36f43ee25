package cli

import (
	"context"
	"io"
	"sort"
	"strings"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/console"
	"github.com/assume-cli/assume/internal/flags"
	"github.com/assume-cli/assume/internal/term"
)

// completionShells are the shells `assume completion` writes a script for.
var completionShells = []string{"bash", "zsh", "fish", "pwsh"}

// printFormats are the values of --print.
var printFormats = []string{"sh", "fish", "pwsh", "json"}

// commandFlags are the flags each command accepts, for completion; the key
// "" is the main command (assume PROFILE).
var commandFlags = map[string][]string{
	"": {"--profile", "--region", "--duration", "--mfa-token", "--refresh", "--exec", "--static",
		"--auto-refresh", "--print", "--unset", "--debug", "--help", "--version",
		"--sso", "--sso-start-url", "--sso-region", "--account-id", "--role-name",
		"--console", "--service", "--destination", "--url", "--shell", "--export", "--as", "--force", "--env"},
	"console":            {"--service", "--destination", "--region", "--duration", "--url", "--debug", "--help"},
	"doctor":             {"--json", "--offline", "--help"},
	"settings":           {"--json", "--help"},
	"creds":              {"--help"},
	"ls":                 {"--json", "--help"},
	"explain":            {"--json", "--profile"},
	"whoami":             {"--json", "--debug"},
	"credential-process": {"--profile", "--region", "--duration", "--mfa-token", "--refresh", "--debug"},
	"serve": {"--profile", "--region", "--duration", "--mfa-token", "--refresh", "--debug", "--print",
		"--addr", "--sso", "--sso-start-url", "--sso-region", "--account-id", "--role-name"},
	"init":   {"--auto-refresh", "--no-completion"},
	"sso":    {"--sso-session", "--profile", "--help"},
	"login":  {"--profile", "--region", "--remote", "--no-browser", "--debug", "--help"},
	"logout": {"--profile", "--all", "--help"},
}

// runCompletion prints the completion script of a shell.
func runCompletion(_ context.Context, args []string, s *term.Streams) error {
	pos, err := simpleFlags("completion", args, func(*flags.FlagSet) {})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("completion needs a shell: assume completion %s", strings.Join(completionShells, "|"))
	}
	script, ok := completionScripts[pos[0]]
	if !ok {
		return usageErr("completion: unknown shell %q (one of %s)", pos[0], strings.Join(completionShells, ", "))
	}
	_, err = io.WriteString(s.Out, script)
	return err
}

// runComplete is the hidden `assume __complete TOPIC [ARG]` the completion
// scripts call. It prints candidates one per line and never fails loudly:
// a broken config simply completes nothing.
//
// Topics: profiles, sso-sessions, flags [COMMAND], args [COMMAND].
func runComplete(_ context.Context, args []string, s *term.Streams) error {
	if len(args) == 0 {
		return usageErr("__complete needs a topic")
	}
	var words []string
	arg := ""
	if len(args) > 1 {
		arg = args[1]
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
		if !isCommand(arg) {
			arg = "" // a profile or a flag: the main command's flags
		}
		words = commandFlags[arg]
	case "args":
		words = completeArgs(s, arg)
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

// completeArgs lists the positional words after command cmd ("": the
// first word, a command or a profile).
func completeArgs(s *term.Streams, cmd string) []string {
	switch {
	case cmd == "":
		var words []string
		for _, c := range commands() {
			if !strings.HasPrefix(c.name, "__") {
				words = append(words, c.name)
			}
		}
		return append(words, completeProfiles(s)...)
	case strings.HasPrefix(cmd, "-"):
		// assume --refresh PROFILE: a command can only come first.
		return completeProfiles(s)
	}
	switch cmd {
	case "init":
		return []string{"bash", "zsh", "fish", "pwsh", "nu"}
	case "completion":
		return completionShells
	case "explain", "serve", "credential-process", "console":
		return completeProfiles(s)
	case "settings":
		return settingsCompletions(nil)
	case "creds":
		return []string{"add", "import", "ls", "rm", "export", "rotate"}
	case "sso":
		return []string{"login", "logout", "ls", "populate"}
	case "help":
		words := []string{"exit-codes"}
		for _, h := range helpTopics {
			words = append(words, h.name)
		}
		return words
	}
	return nil
}

func isCommand(name string) bool {
	for _, c := range commands() {
		if c.name == name {
			return true
		}
	}
	return false
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

// completionScripts are the scripts of `assume completion SHELL`. Every
// list they complete comes from `assume __complete`, so they never go
// stale; only the flags that take a value are spelled out here.
var completionScripts = map[string]string{
	"bash": `# assume completion for bash. Load it with
#   eval "$(assume completion bash)"
# in ~/.bashrc, or save it as ~/.local/share/bash-completion/completions/assume.
_assume_complete() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" sub="" i
    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
    (( COMP_CWORD > 1 )) && sub="${COMP_WORDS[1]}"
    for (( i = 1; i < COMP_CWORD; i++ )); do
        if [[ "${COMP_WORDS[i]}" == "--" ]]; then
            compopt -o default 2>/dev/null
            COMPREPLY=()
            return 0
        fi
    done
    local IFS=$'\n' words
    case "$prev" in
        -p|--profile) words="$(command assume __complete profiles 2>/dev/null)" ;;
        --sso-session) words="$(command assume __complete sso-sessions 2>/dev/null)" ;;
        --print) words=$'sh\nfish\npwsh\njson' ;;
        -s|--service) words="$(command assume __complete services 2>/dev/null)" ;;
        --env)
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0 ;;
        -r|--region|-d|--duration|--mfa-token|--sso-start-url|--sso-region|--account-id|--role-name|--addr|--as|--destination)
            COMPREPLY=()
            return 0 ;;
        *)
            if [[ "$cur" == -* ]]; then
                words="$(command assume __complete flags "$sub" 2>/dev/null)"
            else
                words="$(command assume __complete args "$sub" 2>/dev/null)"
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
    if (( ${words[(I)--]} > 1 && ${words[(I)--]} < CURRENT )); then
        _files
        return
    fi
    local -a cands
    case "$prev" in
        -p|--profile) cands=(${(f)"$(command assume __complete profiles 2>/dev/null)"}) ;;
        --sso-session) cands=(${(f)"$(command assume __complete sso-sessions 2>/dev/null)"}) ;;
        --print) cands=(sh fish pwsh json) ;;
        -s|--service) cands=(${(f)"$(command assume __complete services 2>/dev/null)"}) ;;
        --env) _files; return ;;
        -r|--region|-d|--duration|--mfa-token|--sso-start-url|--sso-region|--account-id|--role-name|--addr|--as|--destination)
            return 1 ;;
        *)
            if [[ "$cur" == -* ]]; then
                cands=(${(f)"$(command assume __complete flags "$sub" 2>/dev/null)"})
            else
                cands=(${(f)"$(command assume __complete args "$sub" 2>/dev/null)"})
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
    if contains -- -- $tokens[2..-1]
        __fish_complete_path $cur
        return
    end
    switch $prev
        case -p --profile
            command assume __complete profiles 2>/dev/null
        case --sso-session
            command assume __complete sso-sessions 2>/dev/null
        case --print
            printf '%s\n' sh fish pwsh json
        case -s --service
            command assume __complete services 2>/dev/null
        case --env
            __fish_complete_path $cur
        case -r --region -d --duration --mfa-token --sso-start-url --sso-region --account-id --role-name --addr --as --destination
            return
        case '*'
            if string match -q -- '-*' $cur
                command assume __complete flags $sub 2>/dev/null
            else
                command assume __complete args $sub 2>/dev/null
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
    if ($elems -contains '--') { return }
    $cands = switch ($prev) {
        { $_ -in '-p', '--profile' } { & $exe __complete profiles 2>$null; break }
        '--sso-session' { & $exe __complete sso-sessions 2>$null; break }
        '--print' { 'sh', 'fish', 'pwsh', 'json'; break }
        { $_ -in '-s', '--service' } { & $exe __complete services 2>$null; break }
        { $_ -in '-r', '--region', '-d', '--duration', '--mfa-token', '--sso-start-url', '--sso-region', '--account-id', '--role-name', '--addr', '--as', '--destination', '--env' } { break }
        default {
            if ($wordToComplete.StartsWith('-')) { & $exe __complete flags $sub 2>$null }
            else { & $exe __complete args $sub 2>$null }
        }
    }
    $cands | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`,
}
