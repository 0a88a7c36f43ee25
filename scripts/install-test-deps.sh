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

# kubectl for the EKS scripts (eks.txtar): Debian 12's kubernetes-client is
# 1.20, older than the kubeconfig fields assume writes (interactiveMode), so
# upstream's kubectl is built from the pinned module scripts/kubectl (its own
# module: none of it links into assume) with the Go toolchain and its proxy.
want_kubectl=
have kubectl || want_kubectl=1

[ ${#need[@]} -eq 0 ] && [ -z "$want_nu" ] && [ -z "$want_kubectl" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-test-deps: missing ${need[*]} ${want_nu:+nushell} ${want_kubectl:+kubectl}; install them (tests that need them skip)" >&2
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
if [ -n "$want_kubectl" ]; then
	echo "install-test-deps: building kubectl (scripts/kubectl, k8s.io/kubectl)" >&2
	dir=${XDG_CACHE_HOME:-$HOME/.cache}/assume-test-deps
	mkdir -p "$dir"
	# The version kubectl reports (kubectl version refuses to run without
	# one): module k8s.io/kubectl v0.37.2 is Kubernetes v1.37.2, as pinned in
	# scripts/kubectl/go.mod.
	v=$(sed -n 's/^[[:space:]]*k8s.io\/kubectl v0\.\([0-9]*\)\.\([0-9]*\).*/\1 \2/p' "$(dirname "$0")/kubectl/go.mod")
	read -r minor patch <<<"$v"
	x=""
	for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		x="$x -X $pkg.gitVersion=v1.$minor.$patch -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
	done
	(cd "$(dirname "$0")/kubectl" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w$x" -o "$dir/kubectl" .)
	install -m 0755 "$dir/kubectl" /usr/local/bin/kubectl
	kubectl version --client >/dev/null
fi
