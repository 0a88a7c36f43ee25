package cli_test

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/assume-cli/assume/internal/awsemu"
	"github.com/assume-cli/assume/internal/awsmain"
	"github.com/assume-cli/assume/internal/cli"
	"github.com/assume-cli/assume/internal/term"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"assume":     func() { os.Exit(cli.Main(os.Args[1:], term.System())) },
		"assume-aws": func() { os.Exit(awsmain.Main(os.Args[1:], term.System())) },
		"awsemu": func() {
			os.Exit(awsemu.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
		"fake-ykman": fakeYkman,
	})
}

// TestScript runs the end-to-end scripts in testdata/script: the real
// binaries, real shells, the AWS CLI v2 where installed, against awsemu.
func TestScript(t *testing.T) {
	world, err := filepath.Abs("testdata/world.json")
	if err != nil {
		t.Fatal(err)
	}
	files, err := scriptFiles("testdata/script")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Files:               files,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("TZ", "UTC")
			env.Setenv("ASSUME_HTTP_TIMEOUT", "5s")
			env.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			env.Setenv("WORLD", world)
			env.Setenv("AWS_CLI_V2", awsCLIv2())
			if a := os.Getenv("ASSUME_ARTEFACTS"); a != "" {
				env.Setenv("ASSUME_ARTEFACTS", a) // screenshots and screen captures
			}
			env.Values[emuKey{}] = &emuState{}
			env.Values[hostileKey{}] = &hostileState{}
			return os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"emu":         cmdEmu,
			"emucount":    cmdEmuCount,
			"emusso":      cmdEmuSSO,
			"emufault":    cmdEmuFault,
			"emuexpire":   cmdEmuExpire,
			"eksexpire":   cmdEKSExpire,
			"ekstokens":   cmdEKSTokens,
			"eksaccept":   cmdEKSAccept,
			"emulogin":    cmdEmuLogin,
			"closedport":  cmdClosedPort,
			"blackhole":   cmdBlackhole,
			"totp":        cmdTOTP,
			"jwt":         cmdJWT,
			"secrets":     cmdSecrets,
			"absent":      cmdAbsent,
			"fetch":       cmdFetch,
			"keyringd":    cmdKeyringd,
			"procscan":    cmdProcScan,
			"absentlines": cmdAbsentLines,
			"hostile":     cmdHostile,
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "awscli":
				return awsCLIv2() != "", nil
			case "kubectl":
				return kubectlCondition()
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

// slowScripts run for minutes (waiting, mostly): they are started first, so
// that the other scripts share the remaining test slots meanwhile instead
// of waiting for them at the end.
var slowScripts = []string{"refresh_awscli.txtar"}

// scriptFiles lists the scripts in dir, slow ones first.
func scriptFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var slow, rest []string
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".txtar") {
			continue
		}
		if slices.Contains(slowScripts, e.Name()) {
			slow = append(slow, filepath.Join(dir, e.Name()))
		} else {
			rest = append(rest, filepath.Join(dir, e.Name()))
		}
	}
	return append(slow, rest...), nil
}

// awsCLIv2 is the path of the AWS CLI v2 (Debian's /usr/bin/aws), or "".
func awsCLIv2() string {
	const p = "/usr/bin/aws"
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

type emuKey struct{}

type emuState struct {
	srv *awsemu.Server
	url string
}

func emuOf(ts *testscript.TestScript) *emuState {
	st := ts.Value(emuKey{}).(*emuState)
	if st.srv == nil {
		ts.Fatalf("start the emulator first: emu start")
	}
	return st
}

// emu start [world.json] [lifetime=SECONDS]: serve awsemu on loopback for
// this script and point assume (AWS_ENDPOINT_URL_STS) and the AWS CLI 2.9
// (AWS_DATA_PATH endpoint rules) at it. $EMU is its URL. lifetime= caps the
// life of every credential it issues (settings.credential_lifetime_seconds).
func cmdEmu(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: emu start [world.json] [lifetime=SECONDS]"
	if neg || len(args) < 1 || args[0] != "start" {
		ts.Fatalf(usage)
	}
	path := ts.Getenv("WORLD")
	lifetime := -1
	for _, a := range args[1:] {
		if v, ok := strings.CutPrefix(a, "lifetime="); ok {
			n, err := strconv.Atoi(v)
			ts.Check(err)
			lifetime = n
			continue
		}
		path = ts.MkAbs(a)
	}
	w, err := awsemu.LoadWorld(path)
	ts.Check(err)
	if lifetime >= 0 {
		w.Settings.CredentialLifetimeSeconds = lifetime
	}
	srv, err := awsemu.New(w, awsemu.Options{})
	ts.Check(err)
	hs := httptest.NewServer(srv.Handler())
	ts.Defer(hs.Close)
	st := ts.Value(emuKey{}).(*emuState)
	st.srv, st.url = srv, hs.URL
	// The API server stand-in of each EKS cluster (kubectl talks to it
	// over HTTPS); $EKS_API_<NAME> is its URL. Scripts that call EKS set
	// AWS_ENDPOINT_URL_EKS=$EMU themselves (others list the AWS_ variables
	// a child sees).
	for _, c := range w.EKSClusters {
		api := httptest.NewTLSServer(srv.ClusterAPI(c.Name))
		ts.Defer(api.Close)
		srv.SetClusterAPI(c.Name, api.URL, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: api.Certificate().Raw}))
		ts.Setenv("EKS_API_"+strings.ToUpper(c.Name), api.URL)
	}

	data := ts.MkAbs(".awsdata")
	rule := fmt.Sprintf(`{"version":"1.0","parameters":{"Region":{"builtIn":"AWS::Region","required":false,"type":"String"}},"rules":[{"conditions":[],"endpoint":{"url":%q,"properties":{},"headers":{}},"type":"endpoint"}]}`, hs.URL)
	for _, svc := range []string{"sts/2011-06-15", "sso/2019-06-10", "sso-oidc/2019-06-10"} {
		dir := filepath.Join(data, svc)
		ts.Check(os.MkdirAll(dir, 0o755))
		ts.Check(os.WriteFile(filepath.Join(dir, "endpoint-rule-set-1.json"), []byte(rule), 0o644))
	}
	ts.Setenv("EMU", hs.URL)
	ts.Setenv("AWS_ENDPOINT_URL_STS", hs.URL)
	ts.Setenv("AWS_ENDPOINT_URL_SSO", hs.URL)
	ts.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", hs.URL)
	ts.Setenv("ASSUME_SIGNIN_ENDPOINT", hs.URL+"/federation")
	ts.Setenv("AWS_ENDPOINT_URL_IAM", hs.URL)
	ts.Setenv("AWS_ENDPOINT_URL_SIGNIN", hs.URL)
	ts.Setenv("AWS_DATA_PATH", data)
}

// emucount ACTION N: the emulator served exactly N calls of ACTION.
func cmdEmuCount(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: emucount ACTION N")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	got := emuOf(ts).srv.Counters().Calls(args[0])
	if (got == want) == neg {
		ts.Fatalf("%s calls: got %d, want %s%d", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// emufault KIND [ACTION] [COUNT] [MS]: inject a fault (throttle, internal,
// unavailable, or latency of MS milliseconds); emufault clear removes all.
func cmdEmuFault(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 4 {
		ts.Fatalf("usage: emufault KIND [ACTION] [COUNT] [MS] | emufault clear")
	}
	srv := emuOf(ts).srv
	if args[0] == "clear" {
		ts.Check(srv.SetFaults())
		return
	}
	f := awsemu.Fault{Kind: awsemu.FaultKind(args[0])}
	if len(args) > 1 {
		f.Action = args[1]
	}
	if len(args) > 2 {
		n, err := strconv.Atoi(args[2])
		ts.Check(err)
		f.Count = n
	}
	if len(args) > 3 {
		n, err := strconv.Atoi(args[3])
		ts.Check(err)
		f.LatencyMS = n
	}
	ts.Check(srv.AddFault(f))
}

// emulogin auto USER | revoke [USER] | count exchanges|refreshes|replays N |
// expire-cache FILE: the emulator's aws login endpoints (approve /v1/authorize
// at once as USER; end sessions; check LoginCounters) and, for a cache
// file, make its credentials expired so the next use refreshes.
func cmdEmuLogin(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: emulogin auto USER | revoke [USER] | count exchanges|refreshes|replays N | expire-cache FILE"
	if len(args) == 0 || neg && args[0] != "count" {
		ts.Fatalf(usage)
	}
	switch args[0] {
	case "auto":
		ts.Check(emuOf(ts).srv.SetLoginAutoApproveUser(strings.Join(args[1:], "")))
	case "revoke":
		if emuOf(ts).srv.RevokeLoginSessions(strings.Join(args[1:], "")) == 0 {
			ts.Fatalf("emulogin revoke: no session")
		}
	case "count":
		if len(args) != 3 {
			ts.Fatalf(usage)
		}
		want, err := strconv.Atoi(args[2])
		ts.Check(err)
		c := emuOf(ts).srv.LoginCounters()
		got := map[string]int{"exchanges": c.CodeExchanges, "refreshes": c.Refreshes, "replays": c.ReplayedRefreshTokens}[args[1]]
		if (got == want) == neg {
			ts.Fatalf("login %s: got %d, want %d (%+v)", args[1], got, want, c)
		}
	case "expire-cache":
		path := ts.MkAbs(args[1])
		var m map[string]any
		ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[1])), &m))
		m["accessToken"].(map[string]any)["expiresAt"] = time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
		data, err := json.Marshal(m)
		ts.Check(err)
		ts.Check(os.WriteFile(path, data, 0o600))
	default:
		ts.Fatalf(usage)
	}
}

// emuexpire [ACCESS_KEY_ID...]: make the emulator's issued sessions (all,
// or the given ones) expire now, so their next use fails with ExpiredToken.
func cmdEmuExpire(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("usage: emuexpire [ACCESS_KEY_ID...]")
	}
	if n := emuOf(ts).srv.ExpireSessions(args...); n == 0 {
		ts.Fatalf("emuexpire: no session to expire")
	}
}

// totp [-wrong] SEED [VAR]: set VAR (default TOTP) to the current code of
// SEED; with -wrong, to a 6-digit code that is none of the codes the
// emulator accepts now (the previous, current and next one).
func cmdTOTP(ts *testscript.TestScript, neg bool, args []string) {
	wrong := len(args) > 0 && args[0] == "-wrong"
	if wrong {
		args = args[1:]
	}
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: totp [-wrong] SEED [VAR]")
	}
	now := time.Now()
	code, err := awsemu.TOTP(args[0], now)
	ts.Check(err)
	if wrong {
		valid := map[string]bool{}
		for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second, 60 * time.Second} {
			c, err := awsemu.TOTP(args[0], now.Add(d))
			ts.Check(err)
			valid[c] = true
		}
		n, err := strconv.Atoi(code)
		ts.Check(err)
		for valid[code] {
			n = (n + 111111) % 1000000
			code = fmt.Sprintf("%06d", n)
		}
	}
	name := "TOTP"
	if len(args) == 2 {
		name = args[1]
	}
	ts.Setenv(name, code)
}

// fakeYkman stands in for `ykman oath accounts code --single QUERY` (a
// script links it as bin/ykman): it prints the current code of the
// emulator's TOTP seed FAKE_YKMAN_SEED for the one account
// FAKE_YKMAN_ACCOUNT that QUERY matches (a substring, as ykman matches).
// FAKE_YKMAN_MODE: "touch" asks for a touch on stderr and waits 2s first,
// "silent" waits 2s saying nothing, "absent" finds no YubiKey. Each call
// appends its arguments to FAKE_YKMAN_LOG.
func fakeYkman() {
	args := os.Args[1:]
	if log := os.Getenv("FAKE_YKMAN_LOG"); log != "" {
		f, err := os.OpenFile(log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err == nil {
			fmt.Fprintln(f, strings.Join(args, " "))
			f.Close()
		}
	}
	if len(args) != 5 || strings.Join(args[:4], " ") != "oath accounts code --single" {
		fmt.Fprintf(os.Stderr, "Usage: ykman oath accounts code [OPTIONS] [QUERY]\n")
		os.Exit(2)
	}
	switch os.Getenv("FAKE_YKMAN_MODE") {
	case "absent":
		fmt.Fprintln(os.Stderr, "Error: No YubiKey detected!")
		os.Exit(1)
	case "touch":
		fmt.Fprintln(os.Stderr, "Touch your YubiKey...")
		time.Sleep(2 * time.Second)
	case "silent":
		time.Sleep(2 * time.Second)
	}
	if !strings.Contains(strings.ToLower(os.Getenv("FAKE_YKMAN_ACCOUNT")), strings.ToLower(args[4])) {
		fmt.Fprintln(os.Stderr, "Error: No matching account found.")
		os.Exit(1)
	}
	code, err := awsemu.TOTP(os.Getenv("FAKE_YKMAN_SEED"), time.Now())
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	fmt.Println(code)
}

// jwt FILE ISS AUD [exp-seconds]: write an unsigned web identity token.
func cmdJWT(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: jwt FILE ISS AUD [exp-seconds]")
	}
	exp := int64(3600)
	if len(args) > 3 {
		n, err := strconv.ParseInt(args[3], 10, 64)
		ts.Check(err)
		exp = n
	}
	tok, err := awsemu.MakeJWT(map[string]any{
		"iss": args[1], "aud": args[2], "sub": "repo:example/app", "exp": time.Now().Unix() + exp,
	}, "")
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(tok), 0o600))
}

// secrets CREDS.json TARGET...: fail if any long-term secret of the world,
// or the secret key or session token in CREDS.json (the output of --print
// json or credential-process), appears in a TARGET (stdout, stderr or a file).
func cmdSecrets(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: secrets CREDS.json TARGET...")
	}
	var secrets []string
	for _, u := range emuOf(ts).srv.World().Users {
		for _, k := range u.AccessKeys {
			secrets = append(secrets, k.Secret)
		}
		if u.MFA != nil {
			secrets = append(secrets, u.MFA.Seed)
		}
	}
	var c struct {
		Set             map[string]string `json:"set"`
		SecretAccessKey string
		SessionToken    string
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &c))
	secrets = append(secrets, c.SecretAccessKey, c.SessionToken, c.Set["AWS_SECRET_ACCESS_KEY"], c.Set["AWS_SESSION_TOKEN"])
	for _, f := range args[1:] {
		text := ts.ReadFile(f)
		for _, s := range secrets {
			if len(s) >= 8 && strings.Contains(text, s) {
				ts.Fatalf("%s contains a secret (%.4s…)", f, s)
			}
		}
	}
}

// absent FILE TARGET...: fail if the text of FILE (trimmed; e.g. a web
// identity token) appears in a TARGET (stdout, stderr, ttyout or a file).
func cmdAbsent(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: absent FILE TARGET...")
	}
	secret := strings.TrimSpace(ts.ReadFile(args[0]))
	if len(secret) < 6 {
		ts.Fatalf("%s holds too little to look for", args[0])
	}
	for _, f := range args[1:] {
		if strings.Contains(ts.ReadFile(f), secret) {
			ts.Fatalf("%s contains the text of %s", f, args[0])
		}
	}
}

// closedport VAR: set VAR to a URL on a loopback port where nothing listens
// (connections are refused).
func cmdClosedPort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: closedport VAR")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	addr := l.Addr().String()
	ts.Check(l.Close())
	ts.Setenv(args[0], "http://"+addr)
}

// blackhole VAR: set VAR to a URL on a loopback port that accepts
// connections and never answers (for timeouts).
func cmdBlackhole(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: blackhole VAR")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	ts.Defer(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	ts.Setenv(args[0], "http://"+l.Addr().String())
}

// emusso expire|revoke [USER]: expire access tokens / revoke refresh tokens;
// emusso approve USER|off: the user that approves every login ("off": none);
// emusso deny / emusso approve-next USER: decide the next login to start.
func cmdEmuSSO(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: emusso expire|revoke [USER] | emusso approve USER|off")
	}
	srv := emuOf(ts).srv
	user := ""
	if len(args) == 2 {
		user = args[1]
	}
	switch args[0] {
	case "expire":
		srv.ExpireSSOTokens(user)
	case "revoke":
		srv.RevokeRefreshTokens(user)
	case "deny", "approve-next":
		// Wait (up to 10 s) for a login to start, then decide it.
		deadline := time.Now().Add(10 * time.Second)
		for {
			if p := srv.PendingAuthorizations(); len(p) > 0 {
				var err error
				switch {
				case args[0] == "deny" && p[0].Kind == "device":
					err = srv.DenyDevice(p[0].UserCode)
				case args[0] == "deny":
					_, err = srv.DenyAuthorization(p[0].RequestID)
				case p[0].Kind == "device":
					err = srv.ApproveDevice(p[0].UserCode, user)
				default:
					_, err = srv.ApproveAuthorization(p[0].RequestID, user)
				}
				ts.Check(err)
				return
			}
			if time.Now().After(deadline) {
				ts.Fatalf("no login to decide")
			}
			time.Sleep(20 * time.Millisecond)
		}
	case "approve":
		if user == "off" {
			user = ""
		}
		ts.Check(srv.SetAutoApproveUser(user))
	default:
		ts.Fatalf("unknown emusso command %q", args[0])
	}
}

// procscan SECRETS [PIDFILE...] [alive=NAME,...]: fail if a line of the file SECRETS (one
// secret a line) appears in /proc/PID/cmdline or /proc/PID/environ of any
// descendant of the test process (what the script started, not other
// tests on the machine) but those whose PID is in a PIDFILE (the child that
// asked for the secret, and its own children), or if no process of the script runs under each
// alive= name (so that the scan looked at them). It reads /proc in this process, so the scan starts
// no process that would inherit a secret.
func cmdProcScan(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: procscan SECRETS [PIDFILE...]")
	}
	var secrets []string
	for _, l := range strings.Split(ts.ReadFile(args[0]), "\n") {
		if l = strings.TrimSpace(l); len(l) >= 8 {
			secrets = append(secrets, l)
		}
	}
	if len(secrets) == 0 {
		ts.Fatalf("%s holds no secret to look for", args[0])
	}
	allowed := map[string]bool{strconv.Itoa(os.Getpid()): true}
	want := map[string]bool{}
	for _, f := range args[1:] {
		if names, ok := strings.CutPrefix(f, "alive="); ok {
			for _, n := range strings.Split(names, ",") {
				want[n] = true
			}
			continue
		}
		allowed[strings.TrimSpace(ts.ReadFile(f))] = true
	}
	procs, err := filepath.Glob("/proc/[0-9]*")
	ts.Check(err)
	parent := map[string]string{}
	for _, p := range procs {
		if b, err := os.ReadFile(filepath.Join(p, "stat")); err == nil {
			if i := strings.LastIndexByte(string(b), ')'); i > 0 {
				if f := strings.Fields(string(b)[i+1:]); len(f) > 1 {
					parent[filepath.Base(p)] = f[1]
				}
			}
		}
	}
	self := strconv.Itoa(os.Getpid())
	// ours: a descendant of the test, and not of an allowed child (whose
	// own children inherit what it was given).
	ours := func(pid string) bool {
		for i := 0; i < 64 && pid != "" && pid != "0"; i++ {
			if pid = parent[pid]; pid == self {
				return true
			} else if allowed[pid] {
				return false
			}
		}
		return false
	}
	scanned, alive := 0, 0
	for _, p := range procs {
		pid := filepath.Base(p)
		if allowed[pid] || !ours(pid) {
			continue
		}
		alive++
		comm, _ := os.ReadFile(filepath.Join(p, "comm"))
		delete(want, strings.TrimSpace(string(comm)))
		for _, f := range []string{"cmdline", "environ"} {
			b, err := os.ReadFile(filepath.Join(p, f))
			if err != nil {
				continue // gone, or not readable by us (then not by others of our user either)
			}
			scanned++
			for _, sec := range secrets {
				if strings.Contains(string(b), sec) {
					ts.Fatalf("/proc/%s/%s (%s) holds a secret (%.4s…)", pid, f, strings.TrimSpace(string(comm)), sec)
				}
			}
		}
	}
	for n := range want {
		ts.Fatalf("no process %s of the script was running", n)
	}
	ts.Logf("procscan: %d secrets, %d files of %d processes of the script, none found", len(secrets), scanned, alive)
}

// absentlines SECRETS TARGET...: fail if a line of the file SECRETS (one
// secret a line, 8 characters or more) appears in a TARGET.
func cmdAbsentLines(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: absentlines SECRETS TARGET...")
	}
	n := 0
	for _, sec := range strings.Split(ts.ReadFile(args[0]), "\n") {
		if sec = strings.TrimSpace(sec); len(sec) < 8 {
			continue
		}
		n++
		for _, f := range args[1:] {
			if strings.Contains(ts.ReadFile(f), sec) {
				ts.Fatalf("%s holds a secret (%.4s…)", f, sec)
			}
		}
	}
	if n == 0 {
		ts.Fatalf("%s holds no secret to look for", args[0])
	}
}
