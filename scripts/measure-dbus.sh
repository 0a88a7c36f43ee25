#!/usr/bin/env bash
# Our D-Bus client (internal/dbus) against godbus/dbus, side by side: the
# size of a tiny static program that connects to a private session bus and
# asks it for its id (org.freedesktop.DBus.GetId), and that program's run
# time, next to a Go hello-world. Prints a Markdown table (the numbers in
# docs/decisions.md). Builds in a throwaway module outside the tree, so
# godbus never enters go.mod: ./scripts/measure-dbus.sh [GODBUS_VERSION]
# Needs dbus-daemon and hyperfine; RUNS (default 200) sets the runs per case.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
godbus=${1:-v5.2.4}
runs=${RUNS:-200}
tmp=$(mktemp -d /tmp/amd.XXXXXX) # short: socket paths are limited
bus=
cleanup() {
	[ -n "$bus" ] && kill "$bus" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

m=$tmp/m
mkdir -p "$m/internal/dbus" "$m/own" "$m/godbus" "$m/hello"
# Our client as it is in the tree, without its tests.
for f in "$root"/internal/dbus/*.go; do
	case $f in *_test.go) ;; *) cp "$f" "$m/internal/dbus/" ;; esac
done
cat >"$m/go.mod" <<EOF
module measure

go $(go env GOVERSION | sed 's/^go//')
EOF
cat >"$m/hello/main.go" <<'EOF'
package main

import "os"

func main() { os.Stdout.WriteString("hello\n") }
EOF
cat >"$m/own/main.go" <<'EOF'
package main

import (
	"context"
	"fmt"
	"os"

	"measure/internal/dbus"
)

func main() {
	c, err := dbus.Dial(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer c.Close()
	r, err := c.Call(context.Background(), "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(r[0])
}
EOF
cat >"$m/godbus/main.go" <<'EOF'
package main

import (
	"fmt"
	"os"

	"github.com/godbus/dbus/v5"
)

func main() {
	c, err := dbus.ConnectSessionBus()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer c.Close()
	var id string
	if err := c.BusObject().Call("org.freedesktop.DBus.GetId", 0).Store(&id); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(id)
}
EOF
(
	cd "$m"
	# The x/sys version of the product's go.mod, so our client builds as shipped.
	go mod edit -require="golang.org/x/sys@$(cd "$root" && go list -m -f '{{.Version}}' golang.org/x/sys)"
	go mod edit -require="github.com/godbus/dbus/v5@$godbus"
	go mod tidy >/dev/null 2>&1 || go mod tidy
	for p in hello own godbus; do
		CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$tmp/$p" "./$p"
	done
)

dbus-daemon --session --nofork --address="unix:path=$tmp/bus" 2>/dev/null &
bus=$!
for _ in $(seq 50); do [ -S "$tmp/bus" ] && break; sleep 0.1; done
export DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/bus"
"$tmp/own" >/dev/null && "$tmp/godbus" >/dev/null

hyperfine -N --warmup 20 --runs "$runs" --export-json "$tmp/h.json" "$tmp/hello" "$tmp/own" "$tmp/godbus" >/dev/null 2>&1
size() { stat -c %s "$1"; }
links_net() { (cd "$m" && go list -deps "./$1" | grep -qx net) && echo yes || echo no; }
deps() { (cd "$m" && go list -deps "./$1" | wc -l | tr -d ' '); }
python3 - "$tmp/h.json" "$(size "$tmp/hello")" "$(size "$tmp/own")" "$(size "$tmp/godbus")" \
	"$(links_net own)" "$(links_net godbus)" "$(deps hello)" "$(deps own)" "$(deps godbus)" "$godbus" <<'EOF'
import json, sys
h = json.load(open(sys.argv[1]))["results"]
sizes = [int(x) for x in sys.argv[2:5]]
net = ["no", sys.argv[5], sys.argv[6]]
deps = sys.argv[7:10]
names = ["Go hello-world", "internal/dbus", "godbus/dbus " + sys.argv[10]]
print("| program | binary (-s -w, static) | + over hello-world | packages linked | links `net` | run: median | p90 |")
print("|---|---|---|---|---|---|---|")
for i, r in enumerate(h):
    t = sorted(r["times"])
    med, p90 = t[len(t) // 2] * 1000, t[int(len(t) * 0.9)] * 1000
    print("| %s | %.2f MiB | %+.0f KiB | %s | %s | %.2f ms | %.2f ms |" % (
        names[i], sizes[i] / 1048576, (sizes[i] - sizes[0]) / 1024, deps[i], net[i], med, p90))
EOF
