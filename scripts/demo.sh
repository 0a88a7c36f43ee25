#!/usr/bin/env bash
# make demo: the whole assume flow on the local emulator, no AWS account needed.
# Builds nothing itself (make builds bin/ first), starts awsemu with a demo world,
# writes a throwaway HOME, and shows it all in a real bash. Cleans up after itself.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin
for b in assume assume-aws awsemu; do
	[ -x "$bin/$b" ] || { echo "demo: $bin/$b is missing: run make demo (it builds first)" >&2; exit 1; }
done

tmp=$(mktemp -d)
emu_pid=
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

# 1. The emulator, on a random loopback port.
"$bin/awsemu" --listen 127.0.0.1:0 --world "$root/scripts/demo/world.json" >"$tmp/emu.out" 2>"$tmp/emu.err" &
emu_pid=$!
for _ in $(seq 100); do [ -s "$tmp/emu.out" ] && break; sleep 0.05; done
url=$(head -n1 "$tmp/emu.out")
[ -n "$url" ] || { echo "demo: awsemu did not start:" >&2; cat "$tmp/emu.err" >&2; exit 1; }

# 2. A throwaway HOME with an IAM user and two chained roles, the first behind MFA.
home=$tmp/home
mkdir -p "$home/.aws"
cat >"$home/.aws/credentials" <<CREDS
[alice]
aws_access_key_id = AKIADEMOALICE0000001
aws_secret_access_key = demo-secret-for-alice-do-not-use-anywhere
CREDS
cat >"$home/.aws/config" <<CONFIG
# the demo's config: alice (keys) -> dev (MFA) -> prod-admin
[profile dev]
role_arn = arn:aws:iam::222222222222:role/developer
source_profile = alice
mfa_serial = arn:aws:iam::111111111111:mfa/alice
region = eu-west-1

[profile prod-admin]
role_arn = arn:aws:iam::333333333333:role/admin
source_profile = dev
CONFIG
chmod 600 "$home/.aws/credentials"

# The AWS CLI 2.9 reads endpoints from AWS_DATA_PATH rules (it predates AWS_ENDPOINT_URL_*).
data=$tmp/awsdata
for svc in sts/2011-06-15 sso/2019-06-10 sso-oidc/2019-06-10; do
	mkdir -p "$data/$svc"
	printf '{"version":"1.0","parameters":{"Region":{"builtIn":"AWS::Region","required":false,"type":"String"}},"rules":[{"conditions":[],"endpoint":{"url":"%s","properties":{},"headers":{}},"type":"endpoint"}]}\n' "$url" >"$data/$svc/endpoint-rule-set-1.json"
done

awscli=
if [ -x /usr/bin/aws ] && /usr/bin/aws --version 2>&1 | grep -q '^aws-cli/2\.'; then awscli=/usr/bin/aws; fi

echo "== awsemu is serving $url (a local stand-in for AWS STS)"
echo
env -i HOME="$home" PATH="$bin:/usr/bin:/bin" TERM="${TERM:-dumb}" \
	AWS_ENDPOINT_URL_STS="$url" AWS_ENDPOINT_URL_IAM="$url" AWS_DATA_PATH="$data" AWSCLI="$awscli" \
	ASSUME_SIGNIN_ENDPOINT="$url/federation" ASSUME_BROWSER=none \
	ASSUME_KEYCHAIN=file ASSUME_PASSPHRASE=demo-passphrase \
	XDG_CACHE_HOME="$tmp/cache" XDG_CONFIG_HOME="$tmp/xdg" \
	bash --norc --noprofile -c '
set -e
show() { printf "\n\$ %s\n" "$*"; }
mask() { sed -E "s/^(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)=(.{4}).*/\1=\2… (masked)/"; }

show "eval \"\$(assume init bash)\"     # once, in ~/.bashrc"
eval "$(assume init bash)"

code=$(awsemu totp JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP)
show "assume prod-admin --mfa-token $code   # alice -> dev (MFA) -> prod-admin"
assume prod-admin --mfa-token "$code"

show "env | grep ^AWS_ | sort              # secrets masked here"
env | grep ^AWS_ | grep -v ^AWS_ENDPOINT_URL | grep -v ^AWS_DATA_PATH | sort | mask

if [ -n "$AWSCLI" ]; then
	show "aws sts get-caller-identity        # the real AWS CLI v2 uses the exported credentials"
	"$AWSCLI" sts get-caller-identity --output json
fi

show "assume prod-admin                   # again: from the cache, no MFA prompt, no AWS call"
assume prod-admin

show "assume dev --exec -- sh -c ...      # one command, served by a local credentials endpoint that refreshes"
assume dev --exec -- sh -c "echo \"child runs as \$ASSUME_PROFILE in \$AWS_REGION; credentials from \${AWS_CONTAINER_CREDENTIALS_FULL_URI%/*}/…\""
if [ -n "$AWSCLI" ]; then
	show "assume dev --exec -- aws sts get-caller-identity --query Arn --output text"
	assume dev --exec -- "$AWSCLI" sts get-caller-identity --query Arn --output text
fi

show "assume whoami"
assume whoami

show "assume prod-admin -c -s lambda --url   # the console, signed in (here: the sign-in URL on awsemu)"
assume prod-admin -c -s lambda --url | sed -E "s/SigninToken=.{12}.*/SigninToken=…/"

show "assume ls"
assume ls

show "assume creds import alice            # the plaintext keys move into the keychain (here: the encrypted file)"
assume creds import alice
show "cat ~/.aws/credentials; grep -A1 \"profile alice\" ~/.aws/config"
cat ~/.aws/credentials; grep -A1 "profile alice" ~/.aws/config

show "assume creds rotate alice            # a new key through IAM, stored and verified; the old one deleted"
assume creds rotate alice

show "assume doctor --offline"
assume doctor --offline || true

show "assume --unset && env | grep -c ^AWS_ACCESS_KEY_ID"
assume --unset
env | grep -c ^AWS_ACCESS_KEY_ID || true
'
echo
echo "== demo done; the emulator is stopped and the throwaway HOME removed"
