package cli

import (
	"strings"
	"testing"
	"time"
)

// decideArgs parses argv as assume PROFILE does and decides, without I/O.
func decideArgs(argv []string) (decision, error) {
	o, err := parseAssume(argv)
	if err != nil {
		return decision{}, err
	}
	return o.decide()
}

func TestDecide(t *testing.T) {
	tests := []struct {
		argv string
		mode assumeMode
		pick bool
		err  string // a substring of the usage error
	}{
		{argv: "prod", mode: modeShell},
		{argv: "prod --print json", mode: modeShell},
		{argv: "", mode: modeShell, pick: true},
		{argv: "-c", mode: modeConsole, pick: true},
		{argv: "-h", mode: modeHelp},
		{argv: "a --profile b -h", mode: modeHelp},
		{argv: "--version", mode: modeVersion},
		{argv: "--unset", mode: modeUnset},
		{argv: "--unset --print fish", mode: modeUnset},
		{argv: "prod --exec -- env", mode: modeExec},
		{argv: "prod --exec --static -- env", mode: modeExec},
		{argv: "prod --auto-refresh", mode: modeAutoRefresh},
		{argv: "prod --export", mode: modeFiles},
		{argv: "prod --export --as other --force", mode: modeFiles},
		{argv: "prod --env out.env", mode: modeFiles},
		{argv: "prod -c -s lambda", mode: modeConsole},
		{argv: "prod -c --shell", mode: modeConsoleShell},
		{argv: "prod -c --print sh", mode: modeConsoleShell},
		{argv: "--sso --sso-start-url u --sso-region r --account-id 1 --role-name R", mode: modeShell},

		{argv: "a b", err: `unexpected argument "b"`},
		{argv: "a --profile b", err: "two profiles given"},
		{argv: "prod --exec", err: "--exec needs a command after --"},
		{argv: "prod -- env", err: "a command after -- needs --exec"},
		{argv: "prod --exec --print sh -- env", err: "--exec and --print cannot be combined"},
		{argv: "prod --static", err: "--static goes with --exec"},
		{argv: "--auto-refresh", err: "--auto-refresh is for the shell hook"},
		{argv: "prod --unset", err: "--unset takes no profile"},
		{argv: "prod --as x", err: "--as and --force go with --export"},
		{argv: "prod --export --exec -- env", err: "--export and --env write files"},
		{argv: "prod --env f -c", err: "--export and --env write files"},
		{argv: "prod --env f --auto-refresh", err: "--auto-refresh renews the shell's credentials"},
		{argv: "--print sh", err: "no profile given"},
		{argv: "--sso prod", err: "--sso takes no profile"},
		{argv: "prod --role-name R", err: "go with --sso"},
		{argv: "prod -s ec2", err: "go with --console"},
		{argv: "prod --shell", err: "--shell goes with --console"},
		{argv: "prod -c -s ec2 --destination /x", err: "either --service or --destination"},
		{argv: "prod -c --exec -- env", err: "--console cannot be combined"},
		{argv: "prod -c --url --shell", err: "cannot be combined with --shell"},
		{argv: "prod -d 5m", err: "out of range"},
		{argv: "prod -c -d 1y", err: "invalid --duration"},
	}
	for _, tt := range tests {
		d, err := decideArgs(strings.Fields(tt.argv))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || exitCodeOf(err) != ExitUsage {
				t.Errorf("assume %s: err %v, want usage error %q", tt.argv, err, tt.err)
			}
			continue
		}
		if err != nil || d.mode != tt.mode || d.pick != tt.pick {
			t.Errorf("assume %s: mode %d pick %v err %v, want mode %d pick %v", tt.argv, d.mode, d.pick, err, tt.mode, tt.pick)
		}
	}
	// The values come out parsed: -d is the session's, or with -c the console's.
	if d, _ := decideArgs([]string{"prod", "-d", "2h"}); d.duration != 2*time.Hour {
		t.Errorf("duration %v", d.duration)
	}
	if d, _ := decideArgs([]string{"prod", "-c", "-d", "2h"}); d.duration != 0 || d.console.duration != 2*time.Hour {
		t.Errorf("console duration %v %v", d.duration, d.console.duration)
	}
}
