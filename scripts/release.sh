#!/usr/bin/env bash
# Builds a release of assume into dist/ (or --out DIR): reproducible archives
# for every platform, .deb and .rpm for linux, a CycloneDX SBOM, SHA256SUMS
# and its SSH signature, and the Homebrew, Scoop and winget manifests
# generated from SHA256SUMS. docs/release.md explains each artefact.
#
#   scripts/release.sh              a release: HEAD must be a clean vX.Y.Z tag and
#                                   ASSUME_SIGNING_KEY the path of the private key
#   scripts/release.sh --snapshot   any commit, dirty or not; signed with
#                                   ASSUME_SIGNING_KEY or a throwaway key made in OUT
#   --platforms "linux/amd64 …"     only these (the tests build linux/amd64); all: every one
#   --no-packages, --no-sbom        leave the .deb/.rpm or the SBOM out (tests)
#   --out DIR                       where (default dist); emptied first
#
# Same commit, same Go toolchain → byte-identical artefacts: every time in them is
# SOURCE_DATE_EPOCH (the commit's time unless set), -trimpath, no VCS stamp,
# an empty build id, sorted archive entries owned by 0:0.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=dist snapshot='' packages=1 sbom=1
platforms="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"
die() { echo "release: error: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case $1 in
	--snapshot) snapshot=1 ;;
	--platforms) [ "$2" = all ] || platforms=$2; shift ;;
	--no-packages) packages= ;;
	--no-sbom) sbom= ;;
	--out) out=$2; shift ;;
	*) die "unknown argument $1 (see the top of scripts/release.sh)" ;;
	esac
	shift
done
GO=${GO:-go}
command -v git >/dev/null || die "git is needed"
git rev-parse --git-dir >/dev/null 2>&1 || die "not a git clone: a release is built from a commit"

commit=$(git rev-parse HEAD)
short=$(git rev-parse --short=12 HEAD)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct HEAD)}
date=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ HEAD)
dirty=false
[ -z "$(git status --porcelain)" ] || dirty=true
tag=$(git describe --tags --exact-match --match 'v[0-9]*' HEAD 2>/dev/null || true)
if [ -n "$snapshot" ]; then
	last=$(git describe --tags --abbrev=0 --match 'v[0-9]*' HEAD 2>/dev/null || echo v0.0.0)
	version="${last#v}-snapshot.$short"
	[ "$dirty" = false ] || version="$version.dirty"
else
	[ -n "$tag" ] || die "HEAD is not a vX.Y.Z tag (make snapshot builds any commit)"
	[ "$dirty" = false ] || die "the tree has uncommitted changes: a release is built from a clean clone"
	[[ $tag =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || die "tag $tag is not vMAJOR.MINOR.PATCH"
	[ -n "${ASSUME_SIGNING_KEY:-}" ] || die "ASSUME_SIGNING_KEY is not set: the path of the release's private SSH key (docs/release.md)"
	[ -r "$ASSUME_SIGNING_KEY" ] || die "ASSUME_SIGNING_KEY: cannot read $ASSUME_SIGNING_KEY"
	version=${tag#v}
	flake=$(sed -n 's/^ *version = "\(.*\)";$/\1/p' flake.nix | head -n 1)
	[ "$flake" = "$version" ] || die "flake.nix says version $flake, the tag $tag: bump it and tag again (docs/release.md)"
fi
[ -r LICENSE ] || die "LICENSE is missing"
echo "release: assume $version (commit $commit, dirty=$dirty) into $out" >&2

case $out in /*) ;; *) out=$root/$out ;; esac
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

pkg=github.com/assume-cli/assume/internal/cli
ldflags="-s -w -buildid= -X $pkg.Version=$version -X $pkg.Commit=$commit -X $pkg.Date=$date -X $pkg.Dirty=$dirty"
goexp=$(GO=$GO "$root/scripts/goexperiment.sh")
build() { # GOOS GOARCH DIR
	local exe=
	[ "$1" = windows ] && exe=.exe
	for cmd in assume assume-aws; do
		CGO_ENABLED=0 GOEXPERIMENT=$goexp GOOS=$1 GOARCH=$2 GOFLAGS='' "$GO" build -trimpath -buildvcs=false -ldflags "$ldflags" \
			-o "$3/$cmd$exe" "./cmd/$cmd"
	done
}

# The completion files and the man page come from a host build of this commit.
build "$($GO env GOHOSTOS)" "$($GO env GOHOSTARCH)" "$work/host"
hostexe=
[ "$($GO env GOHOSTOS)" = windows ] && hostexe=.exe
mkdir -p "$work/common/completions" "$work/common/man"
"$work/host/assume$hostexe" completion bash > "$work/common/completions/assume.bash"
"$work/host/assume$hostexe" completion zsh > "$work/common/completions/_assume"
"$work/host/assume$hostexe" completion fish > "$work/common/completions/assume.fish"
"$work/host/assume$hostexe" completion pwsh > "$work/common/completions/assume.ps1"
"$work/host/assume$hostexe" __man > "$work/common/man/assume.1"
cp README.md LICENSE "$work/common/"

relkit="$work/relkit"
GOFLAGS='' "$GO" build -trimpath -o "$relkit" ./scripts/release
tool() { (cd "$root/scripts/release-tools" && GOFLAGS='' "$GO" tool "$@"); }

for p in $platforms; do
	goos=${p%/*} goarch=${p#*/}
	top=assume_${version}_${goos}_${goarch}
	dir=$work/archives/$top
	mkdir -p "$dir"
	cp -R "$work/common/." "$dir/"
	build "$goos" "$goarch" "$dir"
	if [ "$goos" = windows ]; then
		"$relkit" archive -epoch "$SOURCE_DATE_EPOCH" "$out/$top.zip" "$dir"
	else
		"$relkit" archive -epoch "$SOURCE_DATE_EPOCH" "$out/$top.tar.gz" "$dir"
	fi
	if [ "$goos" = linux ] && [ -n "$packages" ]; then
		stage=$work/stage-$goarch
		mkdir -p "$stage/man" "$stage/completions"
		cp "$dir/assume" "$dir/assume-aws" "$dir/LICENSE" "$stage/"
		cp "$dir/completions/"* "$stage/completions/"
		gzip -9n < "$dir/man/assume.1" > "$stage/man/assume.1.gz"
		touch -d "@$SOURCE_DATE_EPOCH" "$stage"/* "$stage"/*/*
		sed "s|@STAGE@|$stage|g; s|@VERSION@|$version|g; s|@ARCH@|$goarch|g" packaging/nfpm.yaml > "$work/nfpm-$goarch.yaml"
		for packager in deb rpm; do
			tool nfpm package --config "$work/nfpm-$goarch.yaml" --packager "$packager" --target "$out/" >/dev/null
		done
	fi
done

if [ -n "$sbom" ]; then
	# The module graph of the two executables (test-only modules left out).
	# No time in it, and a serial number derived from the version and commit,
	# so that it is reproducible too.
	h=$(printf '%s %s' "$version" "$commit" | sha256sum | cut -c1-32)
	serial=urn:uuid:${h:0:8}-${h:8:4}-5${h:13:3}-a${h:17:3}-${h:20:12}
	tool cyclonedx-gomod mod -json -std -notimestamp -serial "$serial" -output "$out/assume_${version}_sbom.cdx.json" "$root" 2>/dev/null
fi

cp install.sh "$out/install.sh"
(cd "$out" && find . -maxdepth 1 -type f ! -name 'SHA256SUMS*' -printf '%f\n' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)

# The signature: `ssh-keygen -Y verify` checks it with packaging/allowed_signers.
key=${ASSUME_SIGNING_KEY:-}
if [ -z "$key" ]; then
	key=$work/throwaway-key
	ssh-keygen -q -t ed25519 -N '' -C 'assume snapshot (throwaway)' -f "$key"
	printf 'release@assume-cli %s\n' "$(cat "$key.pub")" > "$out/allowed_signers.snapshot"
	echo "release: signed with a throwaway key (allowed_signers.snapshot); set ASSUME_SIGNING_KEY for the real one" >&2
fi
ssh-keygen -q -Y sign -f "$key" -n assume-release "$out/SHA256SUMS" 2>/dev/null

# Homebrew, Scoop and winget: only a full matrix has every archive they name.
if [ "$platforms" = "linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64" ]; then
	base=${ASSUME_DOWNLOAD_URL:-https://github.com/assume-cli/assume/releases/download/v$version}
	"$relkit" manifests -version "$version" -url "$base" -sums "$out/SHA256SUMS" -out "$out/packaging"
fi
echo "release: done: $(find "$out" -maxdepth 1 -type f | wc -l) files in $out" >&2
