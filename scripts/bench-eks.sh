#!/usr/bin/env bash
# Part of make bench: the Kubernetes (EKS) credential plugin, against awsemu
# and its cluster API stand-ins. Interleaved rounds (one run of each command
# per round, so that machine noise hits all alike) of
#  - a static Go hello-world (a bare process start),
#  - assume eks token, cached (the front end alone),
#  - assume eks token, uncached (assume-aws presigns; the role's session is cached),
#  - aws eks get-token (the AWS CLI v2, /usr/bin/aws),
# then `kubectl get --raw /version` wall time with each plugin. Writes (or
# replaces) its section of docs/benchmarks.md (BENCH_OUT), or only prints
# it with BENCH_OUT=-.
#   RUNS=40 ./scripts/bench-eks.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-40}
out=${BENCH_OUT:-$root/docs/benchmarks.md}
aws=/usr/bin/aws
[ -x "$aws" ] || { echo "bench-eks: $aws (AWS CLI v2) is missing: scripts/install-test-deps.sh" >&2; exit 1; }
command -v kubectl >/dev/null || { echo "bench-eks: kubectl is missing: scripts/install-test-deps.sh" >&2; exit 1; }

tmp=$(mktemp -d /tmp/akeks.XXXXXX)
emu=
cleanup() { [ -n "$emu" ] && kill "$emu" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

(cd "$root" && CGO_ENABLED=0 GOEXPERIMENT=$("$root/scripts/goexperiment.sh") go build -trimpath -ldflags '-s -w' -o "$tmp/bin/assume" ./cmd/assume &&
	CGO_ENABLED=0 GOEXPERIMENT=$("$root/scripts/goexperiment.sh") go build -trimpath -ldflags '-s -w' -o "$tmp/bin/assume-aws" ./cmd/assume-aws &&
	CGO_ENABLED=0 go build -trimpath -o "$tmp/awsemu" ./cmd/awsemu)
mkdir -p "$tmp/hello"
printf 'package main\n\nimport "os"\n\nfunc main() { os.Stdout.WriteString("hello\\n") }\n' >"$tmp/hello/main.go"
(cd "$tmp/hello" && printf 'module hello\n\ngo 1.21\n' >go.mod && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$tmp/hello-world" .)

cat >"$tmp/world.json" <<'WORLD'
{"accounts":[{"id":"111111111111"},{"id":"222222222222"}],
 "users":[{"account":"111111111111","name":"base","access_keys":[{"id":"AKIABENCHBASE0000001","secret":"bench-secret-0000000000000000000001"}]}],
 "roles":[{"account":"222222222222","name":"dev","trust":{"principals":["arn:aws:iam::111111111111:user/base"]}}],
 "eks_clusters":[{"name":"prod","account":"222222222222","region":"eu-west-1"}]}
WORLD
"$tmp/awsemu" --listen 127.0.0.1:0 --world "$tmp/world.json" --cluster-api >"$tmp/emu.out" 2>"$tmp/emu.err" &
emu=$!
for _ in $(seq 100); do grep -q '^cluster-api ' "$tmp/emu.out" 2>/dev/null && break; sleep 0.05; done
url=$(head -n1 "$tmp/emu.out")

export HOME=$tmp/home XDG_CACHE_HOME=$tmp/cache XDG_CONFIG_HOME=$tmp/config
export AWS_ENDPOINT_URL_STS=$url AWS_ENDPOINT_URL_EKS=$url ASSUME_AWS_HELPER=$tmp/bin/assume-aws
export PATH=$tmp/bin:$PATH KUBECONFIG=$tmp/home/.kube/config AWS_EC2_METADATA_DISABLED=true
# The AWS CLI 2.9 ignores AWS_ENDPOINT_URL_*: its endpoint rules are replaced.
mkdir -p "$tmp/data/sts/2011-06-15"
printf '{"version":"1.0","parameters":{"Region":{"builtIn":"AWS::Region","required":false,"type":"String"}},"rules":[{"conditions":[],"endpoint":{"url":"%s","properties":{},"headers":{}},"type":"endpoint"}]}' "$url" >"$tmp/data/sts/2011-06-15/endpoint-rule-set-1.json"
export AWS_DATA_PATH=$tmp/data
mkdir -p "$HOME/.aws"
printf '[base]\naws_access_key_id = AKIABENCHBASE0000001\naws_secret_access_key = bench-secret-0000000000000000000001\n' >"$HOME/.aws/credentials"
printf '[profile dev]\nrole_arn = arn:aws:iam::222222222222:role/dev\nsource_profile = base\nregion = eu-west-1\n' >"$HOME/.aws/config"

assume eks kubeconfig --cluster prod --profile dev 2>/dev/null
# The same cluster with aws eks get-token as its plugin.
server=$(kubectl config view --raw -o jsonpath='{.clusters[0].cluster.server}')
ca=$(kubectl config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
cat >"$tmp/kc-awscli" <<KC
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: $ca
    server: $server
  name: prod
users:
- name: awscli
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args: [eks, get-token, --cluster-name, prod, --profile, dev]
      command: $aws
      interactiveMode: IfAvailable
contexts:
- context:
    cluster: prod
    user: awscli
  name: awscli
current-context: awscli
KC
kubectl get --raw /version >/dev/null
KUBECONFIG=$tmp/kc-awscli kubectl get --raw /version >/dev/null

ASSUME_ROOT=$root python3 - "$runs" "$out" "$tmp" "$aws" <<'PY'
import os, statistics, subprocess, sys, time
runs, out, tmp, aws = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
cases = [
    ("Go hello-world", [os.path.join(tmp, "hello-world")], None),
    ("assume --version (the front end's start)", ["assume", "--version"], None),
    ("assume eks token, cached", ["assume", "eks", "token", "--cluster", "prod", "--profile", "dev"], None),
    ("assume eks token, new token", ["assume", "eks", "token", "--cluster", "CLUSTER", "--profile", "dev"], "fresh"),
    ("aws eks get-token", [aws, "eks", "get-token", "--cluster-name", "prod", "--profile", "dev"], None),
]
kube = [
    ("kubectl get --raw /version, assume plugin (cached)", ["kubectl", "get", "--raw", "/version"], {}),
    ("kubectl get --raw /version, aws eks get-token plugin", ["kubectl", "get", "--raw", "/version"], {"KUBECONFIG": os.path.join(tmp, "kc-awscli")}),
]
times = {n: [] for n, _, _ in cases}
ktimes = {n: [] for n, _, _ in kube}
def run(argv, env=None):
    e = dict(os.environ, **(env or {}))
    t = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=e)
    return (time.perf_counter() - t) * 1000
for n, argv, _ in cases:
    run([("bench-warm" if a == "CLUSTER" else a) for a in argv])
for i in range(runs):
    for n, argv, mode in cases:
        if mode == "fresh":  # a cluster name never asked for: not in the token cache
            argv = [("bench-%d" % i if a == "CLUSTER" else a) for a in argv]
        times[n].append(run(argv))
kruns = max(5, runs // 4)
for i in range(kruns):
    for n, argv, env in kube:
        ktimes[n].append(run(argv, env))
def stats(t):
    t = sorted(t)
    return statistics.median(t), t[len(t) // 10], t[(len(t) * 9) // 10]
hello = statistics.median(times["Go hello-world"])
lines = ["", "## Kubernetes (EKS)", "",
         "`scripts/bench-eks.sh` (part of `make bench`): %d interleaved rounds, each running every command once, against" % runs,
         "awsemu and its cluster API stand-in (`awsemu --cluster-api`). `cached`: the token from assume's cache, served by",
         "the front end alone; `new token`: assume-aws presigns one (the role's session is cached, so no AWS call);",
         "`aws eks get-token`: the AWS CLI v2 (%s). Goal: cached within 1.3x hello-world." % aws,
         "Machine: %s; assume %s; %s." % (os.uname().sysname + " " + os.uname().release + " " + os.uname().machine + ", " + str(os.cpu_count()) + " cores",
             subprocess.run(["git", "-C", os.environ.get("ASSUME_ROOT", "."), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip() or "?",
             time.strftime("%Y-%m-%d")), "",
         "| case | median | p10 | p90 | x hello-world |", "|---|---|---|---|---|"]
for n, _, _ in cases:
    m, a, b = stats(times[n])
    lines.append("| %s | %.2f ms | %.2f ms | %.2f ms | %.2fx |" % (n, m, a, b, m / hello))
lines += ["", "kubectl wall time (%d interleaved rounds):" % kruns, "", "| case | median | p10 | p90 |", "|---|---|---|---|"]
for n, _, _ in kube:
    m, a, b = stats(ktimes[n])
    lines.append("| %s | %.1f ms | %.1f ms | %.1f ms |" % (n, m, a, b))
text = "\n".join(lines) + "\n"
sys.stdout.write(text)
if out != "-":
    # The section replaces its previous version.
    old = open(out).read() if os.path.exists(out) else ""
    head = "\n## Kubernetes (EKS)\n"
    i = old.find(head)
    if i >= 0:
        j = old.find("\n## ", i + len(head))
        old = old[:i] + (old[j:] if j >= 0 else "\n")
    with open(out, "w") as f:
        f.write(old.rstrip("\n") + "\n" + text)
PY
