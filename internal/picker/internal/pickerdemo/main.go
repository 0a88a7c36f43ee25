// Command pickerdemo runs the profile picker over items read from a JSON
// file (a list of picker.Item) and prints the result as JSON on stdout. It
// exists for the picker's real-terminal tests.
//
//	pickerdemo [-query Q] [-alpha] [-history FILE] ITEMS.json
//
// It draws on /dev/tty. On cancel it prints nothing and exits 1. When
// PICKERDEMO_PIDFILE is set it writes its pid there first.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/assume-cli/assume/internal/picker"
)

func main() {
	query := flag.String("query", "", "initial query")
	alpha := flag.Bool("alpha", false, "order by name only")
	history := flag.String("history", "", "history file")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pickerdemo [-query Q] [-alpha] [-history FILE] ITEMS.json")
		os.Exit(2)
	}
	if p := os.Getenv("PICKERDEMO_PIDFILE"); p != "" {
		if err := os.WriteFile(p, []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
			fail(err)
		}
	}
	data, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fail(err)
	}
	var items []picker.Item
	if err := json.Unmarshal(data, &items); err != nil {
		fail(fmt.Errorf("reading items: %w", err))
	}
	opts := picker.Options{Query: *query}
	if *alpha {
		opts.Order = "alpha"
	}
	if *history != "" {
		h, err := picker.LoadHistory(*history)
		if err != nil {
			fail(err)
		}
		opts.History = h
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		fail(picker.ErrNotTerminal)
	}
	defer tty.Close()
	res, err := picker.Run(tty, tty, items, opts)
	if err != nil {
		fail(err)
	}
	if res.Action == picker.Cancel {
		os.Exit(1)
	}
	out, _ := json.Marshal(struct {
		Action  string `json:"action"`
		Profile string `json:"profile"`
	}{res.Action.String(), res.Item.Profile})
	fmt.Println(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "pickerdemo:", err)
	os.Exit(2)
}
