package awsemu

// The awsemu command line. cmd/awsemu only wires the process's streams and
// signals to Main.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
)

const usageText = `usage:
  awsemu [serve] [--listen ADDR] [--world FILE] [--allow-remote] [--log]
      Serve the emulator. The first line on stdout is its base URL
      (http://HOST:PORT); it then runs until interrupted (SIGINT/SIGTERM).
      --listen ADDR    address to listen on (default 127.0.0.1:0, a free port);
                       only loopback addresses unless --allow-remote
      --world FILE     world file (default: the built-in example world)
      --allow-remote   allow listening on non-loopback addresses
      --log            log one line per API call to stderr (never secrets)
      --cluster-api    also serve each EKS cluster's API server stand-in over
                       HTTPS on a free loopback port (a fresh self-signed CA);
                       one stdout line "cluster-api NAME URL" per cluster
  awsemu totp SEED
      Print the current 6-digit TOTP code of a base32 seed ("-" reads the
      seed from stdin).
  awsemu example-world
      Print the documented example world file.
  awsemu gen-org --accounts N [--permission-sets A,B,C] [--user NAME]
                 [--start-url URL] [--region REGION] [--first-account-id ID]
                 [--auto-approve] [--expand]
      Print a world holding a generated IAM Identity Center organisation of
      N accounts (1-10000), each offering the permission sets (default
      ReadOnly,PowerUser,Admin) to the user (default alice). The world
      holds an identity_center.generate section that expands when loaded;
      --expand prints every account and assignment instead. --auto-approve
      approves every SSO login at once as the user.
`

// Exit codes of Main.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// Main runs the awsemu command with args (without the program name) and
// returns the process exit code. Serving stops when ctx is cancelled.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return cmdServe(ctx, args, stdout, stderr)
	case "totp":
		return cmdTOTP(args, stdin, stdout, stderr)
	case "example-world":
		if len(args) > 0 {
			return usageError(stderr, "example-world takes no arguments")
		}
		_, _ = stdout.Write(ExampleWorldJSON())
		return ExitOK
	case "gen-org":
		return cmdGenOrg(args, stdout, stderr)
	case "help":
		_, _ = io.WriteString(stdout, usageText)
		return ExitOK
	}
	return usageError(stderr, fmt.Sprintf("unknown command %q", cmd))
}

func usageError(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "awsemu: error: %s\n%s", msg, usageText)
	return ExitUsage
}

func cmdTOTP(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		return usageError(stderr, "totp needs exactly one SEED argument")
	}
	seed := args[0]
	if seed == "-" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			fmt.Fprintf(stderr, "awsemu: error: reading seed from stdin: %v\n", err)
			return ExitError
		}
		seed = strings.TrimSpace(line)
	}
	code, err := TOTP(seed, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "awsemu: error: %v\n", err)
		return ExitError
	}
	fmt.Fprintln(stdout, code)
	return ExitOK
}

func cmdGenOrg(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("awsemu gen-org", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o OrgOptions
	fs.IntVar(&o.Accounts, "accounts", 0, "")
	permSets := fs.String("permission-sets", "", "")
	fs.StringVar(&o.User, "user", "", "")
	fs.StringVar(&o.StartURL, "start-url", "", "")
	fs.StringVar(&o.Region, "region", "", "")
	fs.StringVar(&o.FirstAccountID, "first-account-id", "", "")
	fs.BoolVar(&o.AutoApprove, "auto-approve", false, "")
	expand := fs.Bool("expand", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, _ = io.WriteString(stdout, usageText)
			return ExitOK
		}
		return usageError(stderr, err.Error())
	}
	if fs.NArg() > 0 {
		return usageError(stderr, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	if o.Accounts == 0 {
		return usageError(stderr, "gen-org needs --accounts N")
	}
	if *permSets != "" {
		for _, p := range strings.Split(*permSets, ",") {
			o.PermissionSets = append(o.PermissionSets, strings.TrimSpace(p))
		}
	}
	w, err := GenerateOrg(o)
	if err == nil && *expand {
		w, err = w.Expanded()
	}
	if err != nil {
		fmt.Fprintf(stderr, "awsemu: error: %v\n", err)
		return ExitError
	}
	out, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "awsemu: error: encoding the world: %v\n", err)
		return ExitError
	}
	_, _ = stdout.Write(append(out, '\n'))
	return ExitOK
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("awsemu serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	listen := fs.String("listen", "127.0.0.1:0", "")
	worldPath := fs.String("world", "", "")
	allowRemote := fs.Bool("allow-remote", false, "")
	logCalls := fs.Bool("log", false, "")
	clusterAPI := fs.Bool("cluster-api", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, _ = io.WriteString(stdout, usageText)
			return ExitOK
		}
		return usageError(stderr, err.Error())
	}
	if fs.NArg() > 0 {
		return usageError(stderr, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	if err := CheckListenAddr(*listen, *allowRemote); err != nil {
		fmt.Fprintf(stderr, "awsemu: error: %v\n", err)
		return ExitUsage
	}
	var world *World
	if *worldPath == "" {
		world = ExampleWorld()
		fmt.Fprintln(stderr, "awsemu: no --world given, serving the example world (awsemu example-world)")
	} else {
		w, err := LoadWorld(*worldPath)
		if err != nil {
			fmt.Fprintf(stderr, "awsemu: error: %v\n", err)
			return ExitError
		}
		world = w
	}
	opts := Options{}
	if *logCalls {
		opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	srv, err := New(world, opts)
	if err != nil {
		fmt.Fprintf(stderr, "awsemu: error: %v\n", err)
		return ExitError
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "awsemu: error: %v\n", err)
		return ExitError
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "http://%s\n", ln.Addr().String())
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	if *clusterAPI {
		stop, err := serveClusterAPIs(srv, world, stdout, served)
		if err != nil {
			fmt.Fprintf(stderr, "awsemu: error: %v\n", err)
			return ExitError
		}
		defer stop()
	}
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "awsemu: error: serving: %v\n", err)
		return ExitError
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil {
		fmt.Fprintf(stderr, "awsemu: error: shutting down: %v\n", err)
		return ExitError
	}
	return ExitOK
}

// CheckListenAddr refuses addresses that are not loopback (including an
// empty host, which means every interface) unless allowRemote is set: the
// emulator hands out credentials for the asking and must not be reachable
// from the network by accident.
func CheckListenAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad --listen address %q: %w", addr, err)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on %q: not a loopback address (use --allow-remote to override)", addr)
}
