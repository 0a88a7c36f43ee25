#!/usr/bin/env bash
# scripts/bench-compare.sh REV: the cached path of REV's front end against
# this working tree's, beside a static Go hello-world, in one interleaved
# hyperfine run per config (small, and 10,000 profiles), against awsemu.
#   RUNS=80 ./scripts/bench-compare.sh 1a6d5cd
set -euo pipefail
rev=${1:?usage: bench-compare.sh REV}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
git -C "$root" worktree add -q --detach "$tmp/old-src" "$rev"
(cd "$tmp/old-src" && CGO_ENABLED=0 GOEXPERIMENT=$("$root/scripts/goexperiment.sh") go build -trimpath -ldflags '-s -w' -o "$tmp/oldbin/assume" ./cmd/assume)
git -C "$root" worktree remove --force "$tmp/old-src"
(cd "$root" && CGO_ENABLED=0 GOEXPERIMENT=$("$root/scripts/goexperiment.sh") go build -trimpath -ldflags '-s -w' -o "$tmp/newbin/assume" ./cmd/assume && CGO_ENABLED=0 GOEXPERIMENT=$("$root/scripts/goexperiment.sh") go build -trimpath -ldflags '-s -w' -o "$tmp/newbin/assume-aws" ./cmd/assume-aws && CGO_ENABLED=0 go build -trimpath -o "$tmp/awsemu" ./cmd/awsemu)
mkdir -p $tmp/hello; printf 'package main\n\nimport "os"\n\nfunc main() { os.Stdout.WriteString("hello\\n") }\n' >$tmp/hello/main.go
(cd $tmp/hello && printf 'module hello\n\ngo 1.21\n' >go.mod && go build -trimpath -ldflags '-s -w' -o $tmp/hello-world .)
cat >$tmp/world.json <<'W'
{"accounts":[{"id":"111111111111"},{"id":"222222222222"}],
 "users":[{"account":"111111111111","name":"base","access_keys":[{"id":"AKIABENCHBASE0000001","secret":"bench-secret"}]}],
 "roles":[{"account":"222222222222","name":"dev","trust":{"principals":["arn:aws:iam::111111111111:user/base"]}},
          {"account":"222222222222","name":"acct-5000","trust":{"principals":["arn:aws:iam::111111111111:user/base"]}}]}
W
$tmp/awsemu --listen 127.0.0.1:0 --world $tmp/world.json >$tmp/emu.out 2>/dev/null & emu=$!
trap 'kill $emu; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s $tmp/emu.out ] && break; sleep 0.05; done
url=$(head -n1 $tmp/emu.out)
for cfg in small 10k; do
  h=$tmp/home-$cfg; mkdir -p $h/.aws
  printf '[base]\naws_access_key_id = AKIABENCHBASE0000001\naws_secret_access_key = bench-secret\n' >$h/.aws/credentials
  printf '[profile base]\nregion = us-east-1\n\n[profile dev]\nrole_arn = arn:aws:iam::222222222222:role/dev\nsource_profile = base\n' >$h/.aws/config
done
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "\n[profile acct-%d-role]\nrole_arn = arn:aws:iam::222222222222:role/acct-%d\nsource_profile = base\nregion = eu-west-1\n", i, i }' >>$tmp/home-10k/.aws/config
for cfg in small 10k; do
  p=dev; [ $cfg = 10k ] && p=acct-5000-role
  (
    export HOME=$tmp/home-$cfg XDG_CACHE_HOME=$tmp/c-$cfg XDG_CONFIG_HOME=$tmp/x-$cfg AWS_ENDPOINT_URL_STS=$url ASSUME_AWS_HELPER=$tmp/newbin/assume-aws
    $tmp/newbin/assume $p --print sh >/dev/null
    $tmp/oldbin/assume credential-process --profile $p >/dev/null
    hyperfine -N --style basic -w 5 -r ${RUNS:-60} -n hello $tmp/hello-world -n old-$cfg "$tmp/oldbin/assume credential-process --profile $p" -n new-$cfg "$tmp/newbin/assume credential-process --profile $p" --export-markdown $tmp/r-$cfg.md >/dev/null
    cat $tmp/r-$cfg.md
  )
done
