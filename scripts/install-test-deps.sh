#!/usr/bin/env bash
# Installs what the tests need when it is missing (Debian 12). Idempotent and
# quiet when everything is there already.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
# The AWS CLI v2 from Debian lives at /usr/bin/aws; an `aws` earlier on PATH
# may be v1 (pyenv), which is not what the interop tests mean.
{ [ -x /usr/bin/aws ] && /usr/bin/aws --version 2>&1 | grep -q '^aws-cli/2\.'; } || need+=(awscli)
have zsh  || need+=(zsh)
have fish || need+=(fish)
have dash || need+=(dash)
have tmux || need+=(tmux)
have hyperfine || need+=(hyperfine)
# make bench-check: peak RSS under GNU time.
[ -x /usr/bin/time ] || need+=(time)
# The console test drives a real headless browser.
have chromium || need+=(chromium)
# Keychain backends tested for real: Secret Service (gnome-keyring in a
# private D-Bus session; secret-tool checks interop) and pass with a
# throwaway GPG key.
have gnome-keyring-daemon || need+=(gnome-keyring)
have dbus-daemon || need+=(dbus)
have secret-tool || need+=(libsecret-tools)
have pass || need+=(pass)
have gpg || need+=(gnupg)
# The release tests (make release-test): rpm reads the .rpm, bash-completion's
# loader finds the .deb's completion, shellcheck checks install.sh and (through
# actionlint) the workflows' scripts.
have rpm || need+=(rpm)
[ -r /usr/share/bash-completion/bash_completion ] || need+=(bash-completion)
have shellcheck || need+=(shellcheck)
# botocore (any python3 on PATH, or Debian's) for the emulator's wire-fidelity tests.
python3 -c 'import botocore' 2>/dev/null || /usr/bin/python3 -c 'import botocore' 2>/dev/null || need+=(python3-boto3)

# nushell for the real-shell tests of `assume init nu`: not in Debian 12; the
# npm package `nushell` ships the binary.
want_nu=
have nu || { want_nu=1; have npm || need+=(npm); }

[ ${#need[@]} -eq 0 ] && [ -z "$want_nu" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-test-deps: missing ${need[*]} ${want_nu:+nushell}; install them (tests that need them skip)" >&2
	exit 0
fi
if [ ${#need[@]} -gt 0 ]; then
	echo "install-test-deps: installing ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ -n "$want_nu" ]; then
	echo "install-test-deps: installing nushell (npm)" >&2
	npm install -g --silent nushell >/dev/null
	nu --version >/dev/null
fi
