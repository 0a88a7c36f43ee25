#!/bin/sh
# Installs assume and assume-aws from a release:
#
#   curl -fsSL https://github.com/assume-cli/assume/releases/latest/download/install.sh | sh
#
# It finds the OS and architecture, downloads SHA256SUMS, its signature and the
# matching archive, checks the signature (when ssh-keygen is there) and the
# checksum, and replaces both executables atomically in ~/.local/bin (root:
# /usr/local/bin). It never asks for root.
#
#   ASSUME_RELEASE_URL    the folder of the release (default: the latest on GitHub;
#                         a mirror, a file server on an air-gapped host, tests)
#   ASSUME_INSTALL_DIR    where the executables go
#   ASSUME_ALLOWED_SIGNERS  an allowed_signers file to check the signature with
#                         instead of the key below (a mirror signing its own)
set -eu

base=${ASSUME_RELEASE_URL:-https://github.com/assume-cli/assume/releases/latest/download}
base=${base%/}
# packaging/allowed_signers (a test keeps the two the same).
signer='release@assume-cli namespaces="assume-release" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFyhT4CPbenTYBEy/a635YnFBTPRChnQ+El+9OAdPN5H'

say() { printf 'assume-install: %s\n' "$*" >&2; }
die() {
	printf 'assume-install: error: %s\n' "$1" >&2
	[ $# -lt 2 ] || printf 'assume-install: hint: %s\n' "$2" >&2
	exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

case $(uname -s) in
Linux) os=linux ;;
Darwin) os=darwin ;;
MINGW* | MSYS* | CYGWIN* | Windows*) die "this script installs on Linux and macOS" "on Windows: scoop install assume, or winget install assume-cli.assume" ;;
*) die "unsupported operating system: $(uname -s)" "build from source: go install github.com/assume-cli/assume/cmd/assume@latest github.com/assume-cli/assume/cmd/assume-aws@latest" ;;
esac
m=$(uname -m)
case $m in
x86_64 | amd64) arch=amd64 ;;
aarch64 | arm64 | armv8*) arch=arm64 ;;
*) die "unsupported architecture: $m (releases are built for amd64 and arm64)" "build from source: go install github.com/assume-cli/assume/cmd/assume@latest github.com/assume-cli/assume/cmd/assume-aws@latest" ;;
esac

if have curl; then
	fetch() { curl -fsSL --proto '=https,http,file' -o "$2" "$1"; }
elif have wget; then
	fetch() { wget -q -O "$2" "$1"; }
else
	die "neither curl nor wget found" "install one of them, or download the archive from $base by hand"
fi
if have sha256sum; then
	sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif have shasum; then
	sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
elif have openssl; then
	sha256() { openssl dgst -sha256 -r "$1" | cut -d' ' -f1; }
else
	die "no sha256sum, shasum or openssl to check the download with"
fi

if [ -n "${ASSUME_INSTALL_DIR:-}" ]; then
	dir=$ASSUME_INSTALL_DIR
elif [ "$(id -u)" = 0 ]; then
	dir=/usr/local/bin
else
	[ -n "${HOME:-}" ] || die "HOME is not set" "set ASSUME_INSTALL_DIR to the folder to install into"
	dir=$HOME/.local/bin
fi

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t assume-install)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" || die "could not download $base/SHA256SUMS" "check ASSUME_RELEASE_URL and the network"

if have ssh-keygen; then
	fetch "$base/SHA256SUMS.sig" "$tmp/SHA256SUMS.sig" || die "could not download $base/SHA256SUMS.sig" "the release has no signature: refusing to install it"
	if [ -n "${ASSUME_ALLOWED_SIGNERS:-}" ]; then
		cp "$ASSUME_ALLOWED_SIGNERS" "$tmp/allowed_signers"
	else
		printf '%s\n' "$signer" > "$tmp/allowed_signers"
	fi
	ssh-keygen -Y verify -f "$tmp/allowed_signers" -I release@assume-cli -n assume-release \
		-s "$tmp/SHA256SUMS.sig" < "$tmp/SHA256SUMS" >/dev/null 2>&1 ||
		die "the signature of SHA256SUMS does not verify: nothing was installed" "a tampered or incomplete mirror; docs/release.md says how to check by hand"
else
	say "ssh-keygen not found: the signature is not checked (the checksums are)"
fi

name=$(sed -n "s/^[0-9a-f]\{64\}  \(assume_[^ ]*_${os}_${arch}\.tar\.gz\)\$/\1/p" "$tmp/SHA256SUMS" | head -n 1)
[ -n "$name" ] || die "the release has no archive for $os/$arch" "see $base for what it has"
want=$(sed -n "s/^\([0-9a-f]\{64\}\)  $name\$/\1/p" "$tmp/SHA256SUMS")

say "downloading $name"
fetch "$base/$name" "$tmp/$name" || die "could not download $base/$name"
got=$(sha256 "$tmp/$name")
[ "$got" = "$want" ] || die "checksum mismatch for $name: SHA256SUMS says $want, the download is $got; nothing was installed" "a broken download or a tampered mirror: try again, or report it"

mkdir "$tmp/x"
tar -xzf "$tmp/$name" -C "$tmp/x"
src=$tmp/x/${name%.tar.gz}
for f in assume assume-aws; do
	[ -f "$src/$f" ] || die "$name has no $f: nothing was installed"
done

mkdir -p "$dir" || die "cannot create $dir" "set ASSUME_INSTALL_DIR to a folder you can write"
[ -w "$dir" ] || die "cannot write to $dir" "set ASSUME_INSTALL_DIR to a folder you can write (no root needed)"
# Each executable is copied next to its final name and renamed over it: a
# running assume keeps its old file, and no one sees half a file. assume-aws
# first, so a new assume never starts an old assume-aws.
for f in assume-aws assume; do
	cp "$src/$f" "$dir/.$f.new.$$"
	chmod 0755 "$dir/.$f.new.$$"
	mv -f "$dir/.$f.new.$$" "$dir/$f" || { rm -f "$dir/.$f.new.$$"; die "cannot replace $dir/$f"; }
done
say "installed $("$dir/assume" --version) into $dir"

case ":${PATH:-}:" in
*":$dir:"*) ;;
*) say "$dir is not on PATH; add to your shell's rc file: export PATH=\"$dir:\$PATH\"" ;;
esac
# shellcheck disable=SC2016 # the lines are shell code to print, not to expand
case ${SHELL:-} in
*/zsh) line='eval "$(assume init zsh)"   # in ~/.zshrc' ;;
*/fish) line='assume init fish | source   # in ~/.config/fish/config.fish' ;;
*/nu) line='source ~/.assume.nu   # in config.nu, after running once: assume init nu | save -f ~/.assume.nu' ;;
*) line='eval "$(assume init bash)"   # in ~/.bashrc' ;;
esac
say "then add this line to set up your shell:"
printf '  %s\n' "$line"
