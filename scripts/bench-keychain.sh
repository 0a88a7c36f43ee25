#!/usr/bin/env bash
# Part of make bench (after scripts/bench.sh): the keychain backends.
#  - assume for a profile whose long-lived keys are in the keychain
#    (no AWS call: the keychain read is the whole cost);
#  - credential-process for the same profile (what the AWS CLI runs);
#  - assume of a role whose cached session lives in the keychain
#    (settings: cache = keychain);
# through the Secret Service (gnome-keyring in a private D-Bus session), pass
# (a throwaway GPG key), the passphrase-encrypted file, and, for comparison,
# the default encrypted file cache. Appends a section to docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin
runs=${RUNS:-30}
out=${BENCH_OUT:-$root/docs/benchmarks.md}

tmp=$(mktemp -d /tmp/akb.XXXXXX) # short: D-Bus socket paths are limited
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
	gpgconf --homedir "$tmp/gnupg" --kill all 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

cat >"$tmp/world.json" <<'WORLD'
{"accounts":[{"id":"111111111111"},{"id":"222222222222"}],
 "users":[{"account":"111111111111","name":"base","access_keys":[{"id":"AKIABENCHBASE0000001","secret":"bench-secret-0000000000000000000001"}]}],
 "roles":[{"account":"222222222222","name":"dev","trust":{"principals":["arn:aws:iam::111111111111:user/base"]}}]}
WORLD
setsid "$bin/awsemu" --listen 127.0.0.1:0 --world "$tmp/world.json" >"$tmp/emu.out" 2>"$tmp/emu.err" &
pids+=($!)
for _ in $(seq 100); do [ -s "$tmp/emu.out" ] && break; sleep 0.05; done
url=$(head -n1 "$tmp/emu.out")

# A private D-Bus session with gnome-keyring (an unlocked login keyring).
have_ss=
if command -v dbus-daemon >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
	cat >"$tmp/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=$tmp/bus</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>
CONF
	setsid dbus-daemon --config-file="$tmp/bus.conf" --nofork --nopidfile >/dev/null 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do [ -S "$tmp/bus" ] && break; sleep 0.05; done
	mkdir -p "$tmp/krdata"
	echo bench | DBUS_SESSION_BUS_ADDRESS=unix:path=$tmp/bus XDG_DATA_HOME=$tmp/krdata HOME=$tmp \
		setsid gnome-keyring-daemon --foreground --components=secrets --unlock >/dev/null 2>&1 &
	pids+=($!)
	sleep 1
	have_ss=1
fi

# pass with a throwaway GPG key (no passphrase: gpg-agent needs no pinentry).
have_pass=
if command -v pass >/dev/null && command -v gpg >/dev/null; then
	mkdir -m 700 "$tmp/gnupg"
	GNUPGHOME=$tmp/gnupg gpg --batch --passphrase '' --quick-gen-key 'assume bench <bench@example.com>' ed25519 cert,sign 0 2>/dev/null
	fpr=$(GNUPGHOME=$tmp/gnupg gpg --list-keys --with-colons | awk -F: '/^fpr/ { print $10; exit }')
	GNUPGHOME=$tmp/gnupg gpg --batch --passphrase '' --quick-add-key "$fpr" cv25519 encr 0 2>/dev/null
	GNUPGHOME=$tmp/gnupg PASSWORD_STORE_DIR=$tmp/pass pass init "$fpr" >/dev/null
	have_pass=1
fi

# One HOME per backend: profile user (keys in the keychain), dev (a role on
# top of it) and ci (a role with a static source, its session cached).
backends=(file-cache)
[ -n "$have_ss" ] && backends+=(secret-service)
[ -n "$have_pass" ] && backends+=(pass)
backends+=(file)
envfor() {
	local b=$1
	local e="HOME=$tmp/home-$b PATH=$bin:/usr/bin:/bin AWS_ENDPOINT_URL_STS=$url XDG_CACHE_HOME=$tmp/cache-$b XDG_CONFIG_HOME=$tmp/xdg-$b XDG_DATA_HOME=$tmp/data-$b"
	case $b in
	secret-service) e="$e ASSUME_KEYCHAIN=secret-service DBUS_SESSION_BUS_ADDRESS=unix:path=$tmp/bus" ;;
	pass) e="$e ASSUME_KEYCHAIN=pass GNUPGHOME=$tmp/gnupg PASSWORD_STORE_DIR=$tmp/pass" ;;
	file) e="$e ASSUME_KEYCHAIN=file ASSUME_PASSPHRASE=bench-passphrase" ;;
	file-cache) e="$e ASSUME_KEYCHAIN=file ASSUME_PASSPHRASE=bench-passphrase" ;;
	esac
	echo "$e"
}
for b in "${backends[@]}"; do
	h=$tmp/home-$b
	mkdir -p "$h/.aws"
	printf '[user]\naws_access_key_id = AKIABENCHBASE0000001\naws_secret_access_key = bench-secret-0000000000000000000001\n' >"$h/.aws/credentials"
	printf '[profile dev]\nrole_arn = arn:aws:iam::222222222222:role/dev\nsource_profile = base\n[profile base]\naws_access_key_id = AKIABENCHBASE0000001\naws_secret_access_key = bench-secret-0000000000000000000001\n' >"$h/.aws/config"
	# shellcheck disable=SC2046
	env -i $(envfor "$b") "$bin/assume" creds import user 2>/dev/null
	if [ "$b" != file-cache ]; then
		# shellcheck disable=SC2046
		env -i $(envfor "$b") "$bin/assume" settings set cache keychain 2>/dev/null
	fi
	# shellcheck disable=SC2046
	env -i $(envfor "$b") "$bin/assume" dev --print sh >/dev/null 2>&1
done

cases=()
for b in "${backends[@]}"; do
	case $b in
	file-cache) label="encrypted file cache (default), keys: file" ;;
	secret-service) label="Secret Service (gnome-keyring)" ;;
	pass) label="pass (gpg)" ;;
	file) label="passphrase-encrypted file (Argon2id)" ;;
	esac
	if [ "$b" != file-cache ]; then
		cases+=("$b|assume user, keys in the keychain: $label|$bin/assume user --print sh")
		cases+=("$b|assume credential-process --profile user: $label|$bin/assume credential-process --profile user")
	fi
	cases+=("$b|assume dev, cached session in: $label|$bin/assume dev --print sh")
done

: >"$tmp/list"
for b in "${backends[@]}"; do
	args=()
	for c in "${cases[@]}"; do
		[ "${c%%|*}" = "$b" ] || continue
		rest=${c#*|}
		args+=(-n "${rest%%|*}" "${rest#*|}")
	done
	# shellcheck disable=SC2046
	( export $(envfor "$b"); hyperfine -N --style none -w 3 -r "$runs" --export-json "$tmp/h-$b.json" "${args[@]}" >/dev/null 2>"$tmp/hyperfine.err" ) || { cat "$tmp/hyperfine.err" >&2; exit 1; }
	echo "$tmp/h-$b.json" >>"$tmp/list"
done

# The same machine's bare process start, for the ratio column.
hello=$(awk -F'|' '/^\| Go hello-world \|/ { gsub(/ ms/, "", $3); gsub(/ /, "", $3); print $3; exit }' "$out" 2>/dev/null || true)

python3 - "$out" "$runs" "${hello:-}" $(cat "$tmp/list") <<'PY'
import json, sys, statistics
out, runs, hello = sys.argv[1], sys.argv[2], sys.argv[3]
rows = []
for f in sys.argv[4:]:
    for r in json.load(open(f))["results"]:
        t = sorted(r["times"])
        rows.append((r["command"], statistics.median(t) * 1000, t[len(t)//10] * 1000, t[(len(t)*9)//10] * 1000))
with open(out, "a") as f:
    f.write("\n## Keychain backends\n\n")
    f.write("`scripts/bench-keychain.sh` (part of `make bench`, %s runs each): `user` has its long-lived keys in the\n" % runs)
    f.write("keychain (`assume creds import`; no AWS call, the keychain read is the whole cost), `dev` is a role whose\n")
    f.write("cached session lives in the keychain (`assume settings set cache keychain`) or, in the first row, in the\n")
    f.write("default encrypted file cache. Secret Service: gnome-keyring in a private D-Bus session; pass: a throwaway\n")
    f.write("GPG key with no passphrase; file: Argon2id (64 MiB, 3 passes) on every run. The budgets: the\n")
    f.write("file cache within the core budget, Secret Service within 10 ms over a bare process start.\n\n")
    f.write("| case | median | p10 | p90 | + over hello-world |\n|---|---|---|---|---|\n")
    for name, med, p10, p90 in rows:
        extra = ("%+.2f ms" % (med - float(hello))) if hello else "?"
        f.write("| %s | %.2f ms | %.2f ms | %.2f ms | %s |\n" % (name, med, p10, p90, extra))
print("keychain section appended to", out)
PY
