#!/usr/bin/env bash
# Part of make bench (after scripts/bench.sh): IAM Identity Center figures.
#  - assume PROFILE for an SSO profile with cached role credentials;
#  - assume sso populate of 2,000 accounts x 3 roles with ListAccountRoles
#    limited to 20 requests/s by awsemu (429 above it, like AWS);
#  - the resulting config (6,000 profiles) parsed back by assume.
# Appends a section to docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin
runs=${RUNS:-30}
out=${BENCH_OUT:-$root/docs/benchmarks.md}
accounts=${SSO_ACCOUNTS:-2000}
rate=${SSO_RATE:-20}

tmp=$(mktemp -d)
emu_pid=
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

"$bin/awsemu" gen-org --accounts "$accounts" --auto-approve >"$tmp/org.json"
python3 - "$tmp/org.json" "$rate" <<'PY'
import json, sys
p, rate = sys.argv[1], float(sys.argv[2])
w = json.load(open(p))
w["identity_center"]["settings"]["rate_limits"] = {"ListAccountRoles": rate}
json.dump(w, open(p, "w"))
PY
"$bin/awsemu" --listen 127.0.0.1:0 --world "$tmp/org.json" >"$tmp/emu.out" 2>"$tmp/emu.err" &
emu_pid=$!
for _ in $(seq 100); do [ -s "$tmp/emu.out" ] && break; sleep 0.05; done
url=$(head -n1 "$tmp/emu.out")

h=$tmp/home
mkdir -p "$h/.aws"
printf '[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n[profile sso-dev]\nsso_session = corp\nsso_account_id = 100000000000\nsso_role_name = ReadOnly\nregion = eu-west-1\n' >"$h/.aws/config"
E="env -i HOME=$h PATH=$bin:/usr/bin:/bin AWS_ENDPOINT_URL_STS=$url AWS_ENDPOINT_URL_SSO=$url AWS_ENDPOINT_URL_SSO_OIDC=$url XDG_CACHE_HOME=$tmp/cache XDG_CONFIG_HOME=$tmp/xdg ASSUME_NO_PROMPT=1"

$E "$bin/assume" sso login --sso-session corp --no-browser 2>/dev/null
$E "$bin/assume" sso-dev --print sh >/dev/null 2>&1

start=$(date +%s.%N)
$E "$bin/assume" sso populate --sso-session corp 2>"$tmp/populate.err"
end=$(date +%s.%N)
summary=$(tail -n1 "$tmp/populate.err")
counters=$(curl -s "$url/_awsemu/counters")
profiles=$(grep -c '^\[profile ' "$h/.aws/config")
last=$(grep '^\[profile ' "$h/.aws/config" | tail -n1 | sed 's/^\[profile \(.*\)\]$/\1/')

hyperfine -N --style none -w 3 -r "$runs" --export-json "$tmp/h.json" \
	-n "assume sso-dev, SSO role credentials cached" "$E $bin/assume sso-dev --print sh" \
	-n "assume explain $last (config of $profiles profiles after populate)" "$E $bin/assume explain $last" \
	>/dev/null 2>"$tmp/hyperfine.err" || { cat "$tmp/hyperfine.err" >&2; exit 1; }

python3 - "$tmp/h.json" "$out" "$start" "$end" "$accounts" "$rate" "$summary" "$counters" "$profiles" <<'PY'
import json, sys, statistics
hj, out, start, end, accounts, rate, summary, counters, profiles = sys.argv[1:10]
elapsed = float(end) - float(start)
ideal = int(accounts) / float(rate)
c = json.loads(counters)["actions"]
lar = c.get("sso:ListAccountRoles", {})
with open(out, "a") as f:
    f.write("\n## IAM Identity Center\n\n")
    f.write("Reproduce: `make bench` (this part: `scripts/bench-sso.sh`; `SSO_ACCOUNTS=200 SSO_RATE=20` for a quick run).\n\n")
    f.write("`assume sso populate` of %s accounts x 3 roles, awsemu limiting ListAccountRoles to %s requests/s (429 above it):\n\n" % (accounts, rate))
    f.write("| figure | value |\n|---|---|\n")
    f.write("| wall time | %.1f s |\n" % elapsed)
    f.write("| time the rate limit allows (%s / %s per s) | %.1f s |\n" % (accounts, rate, ideal))
    f.write("| ratio (budget: at most 1.25) | %.2f |\n" % (elapsed / ideal))
    f.write("| ListAccountRoles calls / answered 429 | %s / %s |\n" % (lar.get("calls", 0), lar.get("errors", 0)))
    f.write("| failures surfaced to the user | %s |\n" % ("none" if "error" not in summary else summary))
    f.write("| summary | %s |\n\n" % summary.replace("|", "/"))
    f.write("| case | median | p10 | p90 |\n|---|---|---|---|\n")
    for r in json.load(open(hj))["results"]:
        t = sorted(r["times"])
        f.write("| %s | %.2f ms | %.2f ms | %.2f ms |\n" % (r["command"], statistics.median(t)*1000, t[len(t)//10]*1000, t[(len(t)*9)//10]*1000))
print(open(out).read())
PY
