#!/usr/bin/env bash
# The speed goals as ratios to a static Go hello-world, all cases in one
# interleaved run (scripts/benchrun.py: every round starts each case once, in
# a fresh order, so load from other processes falls on all cases alike).
#   scripts/bench-ratios.sh            # part of make bench: writes (replaces) its section of docs/benchmarks.md
#   scripts/bench-ratios.sh --check    # make bench-check: a quick run that fails when a ratio is over
#                                      # its limit (the rows below) or a peak RSS over 22 MiB
# BENCH_BINS="before=/tmp/old/bin after=bin" measures several builds side by
# side in the same run (default: after=bin). RUNS sets the rounds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
check=
[ "${1:-}" = --check ] && check=1
runs=${RUNS:-30}
[ -n "$check" ] && runs=${RUNS:-25}
bins=${BENCH_BINS:-after=$root/bin}
out=${BENCH_OUT:-$root/docs/benchmarks.md}

tmp=$(mktemp -d)
emu_pid=
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

first=${bins%% *}; first=${first#*=}
last=${bins##* }; last=${last#*=}
mkdir -p "$tmp/hello"
printf 'package main\n\nimport "os"\n\nfunc main() { os.Stdout.WriteString("hello\\n") }\n' >"$tmp/hello/main.go"
(cd "$tmp/hello" && printf 'module hello\n\ngo 1.21\n' >go.mod && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$tmp/hello-world" .)

# One world: IAM user base, roles dev and acct-5000, and an Identity Center
# organisation (user alice, account 100000000000, ReadOnly) that approves at once.
"$last/awsemu" gen-org --accounts 1 --auto-approve >"$tmp/org.json"
python3 - "$tmp/org.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))
w["accounts"] = [{"id": "111111111111"}, {"id": "222222222222"}]
w["users"] = [{"account": "111111111111", "name": "base", "access_keys": [{"id": "AKIABENCHBASE0000001", "secret": "bench-secret"}]}]
w["roles"] = [{"account": "222222222222", "name": n, "trust": {"principals": ["arn:aws:iam::111111111111:user/base"]}} for n in ("dev", "acct-5000")]
json.dump(w, open(sys.argv[1], "w"))
PY
"$last/awsemu" --listen 127.0.0.1:0 --world "$tmp/org.json" >"$tmp/emu.out" 2>"$tmp/emu.err" &
emu_pid=$!
for _ in $(seq 100); do [ -s "$tmp/emu.out" ] && break; sleep 0.05; done
url=$(head -n1 "$tmp/emu.out")

for cfg in small 10k sso; do
	mkdir -p "$tmp/home-$cfg/.aws"
	printf '[base]\naws_access_key_id = AKIABENCHBASE0000001\naws_secret_access_key = bench-secret\n' >"$tmp/home-$cfg/.aws/credentials"
	printf '[profile base]\nregion = us-east-1\n\n[profile dev]\nrole_arn = arn:aws:iam::222222222222:role/dev\nsource_profile = base\n' >"$tmp/home-$cfg/.aws/config"
done
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "\n[profile acct-%d-role]\nrole_arn = arn:aws:iam::222222222222:role/acct-%d\nsource_profile = base\nregion = eu-west-1\n", i, i }' >>"$tmp/home-10k/.aws/config"
printf '\n[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n[profile sso-dev]\nsso_session = corp\nsso_account_id = 100000000000\nsso_role_name = ReadOnly\nregion = eu-west-1\n' >>"$tmp/home-sso/.aws/config"

# The environment of a case: config $1, build label $2 (each build keeps its own cache).
envof() {
	local b=${bins#*"$2"=}; b=${b%% *}
	printf 'HOME=%s\nPATH=%s:/usr/bin:/bin\nAWS_ENDPOINT_URL_STS=%s\nAWS_ENDPOINT_URL_SSO=%s\nAWS_ENDPOINT_URL_SSO_OIDC=%s\nXDG_CACHE_HOME=%s\nXDG_CONFIG_HOME=%s\nASSUME_AWS_HELPER=%s\nASSUME_NO_PROMPT=1\n' \
		"$tmp/home-$1" "$b" "$url" "$url" "$url" "$tmp/cache-$2-$1" "$tmp/xdg-$1" "$b/assume-aws"
}
run() { # config label argv...: run once with that environment (warming caches)
	local cfg=$1 label=$2; shift 2
	(while IFS= read -r kv; do export "${kv?}"; done < <(envof "$cfg" "$label"); "$@")
}
# Rows: id|config|goal|limit|case name|argv (after the binary)|binary.
# goal: the speed goal of the row ("-": none). limit: the ratio above which
# --check fails, about 1.3x what the row measured when the limit was set (or
# its goal, when met), so that load on a shared 2-core machine does not fail
# it while a real regression does; lower a limit when a row gets faster.
rows=(
	"version|small|1.10|1.7|assume --version|--version|assume"
	"small|small|1.25|2.2|assume dev, cached (small)|dev --print sh|assume"
	"cp-small|small|1.25|2.2|assume credential-process --profile dev, cached (small)|credential-process --profile dev|assume"
	"10k|10k|1.35|3.0|assume acct-5000-role, cached (10k)|acct-5000-role --print sh|assume"
	"cp-10k|10k|1.35|3.0|assume credential-process --profile acct-5000-role, cached (10k)|credential-process --profile acct-5000-role|assume"
	"sso|sso|1.25|2.2|assume sso-dev, SSO role credentials cached|sso-dev --print sh|assume"
	"ls-json|10k|8|26|assume ls --json, 10,000 profiles|ls --json|assume"
	"ls|10k|-|28|assume ls, 10,000 profiles|ls|assume"
	"refresh|small|4.5|11|assume dev --refresh, uncached: one AssumeRole on loopback|dev --refresh --print sh|assume"
	"aws-start|small|-|5.0|assume-aws bare start (usage error, exit 2)||assume-aws"
)
for b in $bins; do
	label=${b%%=*}
	for cfg in small 10k sso; do envof "$cfg" "$label" >"$tmp/env-$cfg-$label"; done
	run sso "$label" assume sso login --sso-session corp --no-browser >/dev/null 2>&1
	for cfg in small 10k sso; do
		for p in dev acct-5000-role sso-dev; do run "$cfg" "$label" assume "$p" --print sh >/dev/null 2>&1 || true; done
	done
done

python3 - "$tmp" "$runs" "$bins" "${rows[@]}" >"$tmp/cases.json" <<'PY'
import json, sys
tmp, runs, bins, rows = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4:]
cases = [{"name": "hello|-", "argv": [tmp + "/hello-world"], "env": {}}]
for b in bins:
    label, path = b.split("=", 1)
    for r in rows:
        rid, cfg, goal, limit, name, args, exe = r.split("|")
        env = dict(l.split("=", 1) for l in open("%s/env-%s-%s" % (tmp, cfg, label)).read().splitlines())
        cases.append({"name": "%s|%s" % (rid, label), "argv": [path + "/" + exe] + args.split(), "env": env,
                      "expect": 2 if exe == "assume-aws" else 0})
print(json.dumps({"warmup": 2, "runs": runs, "cases": cases}))
PY
load0=$(cut -d' ' -f1-3 /proc/loadavg)
python3 "$root/scripts/benchrun.py" "$tmp/cases.json" "$tmp/result.json"

python3 - "$tmp/result.json" "$bins" "$out" "$check" "$load0" "$runs" "${rows[@]}" <<'PY'
import json, os, statistics, sys, datetime, platform
res, bins, out, check, load0, runs, rows = sys.argv[1], sys.argv[2].split(), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7:]
labels = [b.split("=", 1)[0] for b in bins]
med, rss = {}, {}
for c in json.load(open(res))["cases"]:
    med[c["name"]] = statistics.median(c["times"]) * 1000
    rss[c["name"]] = c["maxrss_kib"] / 1024
floor = med["hello|-"]
RSS_GOAL = 20.0
if check:
    bad = []
    for r in rows:
        rid, cfg, goal, limit, name, args, exe = r.split("|")
        for l in labels:
            ratio = med[rid + "|" + l] / floor
            line = "%-70s %6.2fx (goal %s, limit %s)  %5.1f MiB" % (name + " [" + l + "]", ratio, goal, limit, rss[rid + "|" + l])
            if ratio > float(limit):
                bad.append(line + ": ratio over its limit")
            elif rss[rid + "|" + l] > RSS_GOAL * 1.1:
                bad.append(line + ": peak RSS over %.0f MiB" % RSS_GOAL)
            print(line)
    print("hello-world median %.2f ms; %s rounds; load average %s at the start, %s at the end" % (floor, runs, load0, " ".join(open("/proc/loadavg").read().split()[:3])))
    if bad:
        print("bench-check: FAIL\n" + "\n".join(bad))
        sys.exit(1)
    print("bench-check: ok (every ratio within its limit, every peak RSS within %.0f MiB)" % (RSS_GOAL * 1.1))
    sys.exit(0)
load = " ".join(open("/proc/loadavg").read().split()[:3])
# The section replaces its previous version (make bench rewrites the file
# before, a run of this script alone keeps the rest of it).
title = "\n## Speed goals: ratios to a Go hello-world, one interleaved run\n"
old = open(out).read() if os.path.exists(out) else ""
if title in old:
    head, rest = old.split(title, 1)
    nxt = rest.find("\n## ")
    old = head + (rest[nxt:] if nxt >= 0 else "\n")
open(out, "w").write(old.rstrip("\n") + "\n")
with open(out, "a") as f:
    f.write(title + "\n")
    f.write("Reproduce: `scripts/bench-ratios.sh` (part of `make bench`; `BENCH_BINS=\"before=DIR after=bin\"` puts another\n")
    f.write("build beside this one in the same run; `make bench-check` is the quick regression check of `make test`).\n")
    f.write("Every round of `scripts/benchrun.py` starts each case once, in a fresh random order (posix_spawn, no shell),\n")
    f.write("so load from other processes falls on all cases alike; peak RSS is the largest of 3 runs under GNU time.\n")
    f.write("Each command runs with `HOME`, `XDG_*` and `AWS_ENDPOINT_URL_*` of the script (awsemu on loopback).\n\n")
    f.write("- %s rounds, %s, %d cores; date %s; load average (1, 5, 15 min) at the start of the run: %s, at its end: %s\n" % (runs, " ".join(platform.uname()[i] for i in (0, 2, 4)), os.cpu_count(), datetime.date.today(), load0, load))
    f.write("- builds: %s\n" % os.environ.get("BENCH_NOTE", ", ".join(bins)))
    f.write("- Go hello-world median: %.2f ms; where the remaining time goes: [performance.md](performance.md)\n\n" % floor)
    head = "| case | goal | check limit |" + "".join(" %s: median | %s: × hello | %s: peak RSS |" % (l, l, l) for l in labels)
    f.write(head + "\n|" + "---|" * (3 + 3 * len(labels)) + "\n")
    for r in rows:
        rid, cfg, goal, limit, name, args, exe = r.split("|")
        cmd = ("`%s %s`" % (exe, args)).replace(" `", "`")
        g = ("<= %sx" % goal) if goal != "-" else ""
        if rid == "aws-start" and len(labels) > 1:
            g = "halve the time over hello: <= %.2f ms" % ((med[rid + "|" + labels[0]] - floor) / 2 + floor)
        f.write("| %s, %s | %s | %sx |" % (name, cmd, g, limit) + "".join(" %.2f ms | %.2f | %.1f MiB |" % (med[rid + "|" + l], med[rid + "|" + l] / floor, rss[rid + "|" + l]) for l in labels) + "\n")
print(open(out).read())
PY
