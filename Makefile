# assume — build, test, demo, bench. `make test` is the one test command (CI runs it).
GO      ?= go
BIN     ?= bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# Screenshots and screen captures of the browser and picker tests.
ARTEFACTS ?= $(CURDIR)/artefacts
# The commit, its date (UTC; the build date of a reproducible build) and
# whether the tree had uncommitted changes, for `assume version`.
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE    ?= $(shell TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ 2>/dev/null)
DIRTY   ?= $(shell git status --porcelain 2>/dev/null | grep -q . && echo true || echo false)
CLIPKG  := github.com/assume-cli/assume/internal/cli
# The garbage collector of the binaries (scripts/goexperiment.sh says why).
GOEXP   := $(shell GO=$(GO) ./scripts/goexperiment.sh)
LDFLAGS := -s -w -X $(CLIPKG).Version=$(VERSION) -X $(CLIPKG).Commit=$(COMMIT) -X $(CLIPKG).Date=$(DATE) -X $(CLIPKG).Dirty=$(DIRTY)

.PHONY: build install test test-deps vet unit e2e fuzz fuzz-short demo bench bench-check cross man clean release snapshot release-test actionlint

build:
	CGO_ENABLED=0 GOEXPERIMENT=$(GOEXP) $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/assume ./cmd/assume
	CGO_ENABLED=0 GOEXPERIMENT=$(GOEXP) $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/assume-aws ./cmd/assume-aws
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/awsemu ./cmd/awsemu

install:
	CGO_ENABLED=0 GOEXPERIMENT=$(GOEXP) $(GO) install -trimpath -ldflags '$(LDFLAGS)' ./cmd/assume ./cmd/assume-aws

# Everything the tests need (Debian packages: awscli, zsh, fish, dash ...) is
# installed when missing; then vet, unit tests with the race detector, and
# the end-to-end scripts that drive the real binary through real shells.
test: test-deps vet actionlint unit e2e release-test fuzz-short bench-check

test-deps:
	./scripts/install-test-deps.sh

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

unit:
	ASSUME_ARTEFACTS=$(ARTEFACTS) $(GO) test -race -count=1 $$($(GO) list ./... | grep -v /internal/cli$$)

e2e:
	ASSUME_ARTEFACTS=$(ARTEFACTS) $(GO) test -count=1 ./internal/cli/...

# A short run of every fuzz target (each also runs its seeds in `make unit`).
fuzz:
	./scripts/fuzz.sh 15s

# The pass of `make test`: 200 inputs per target (a count, not a time: no
# deadline race), about 3 minutes for the 62 targets on 2 cores.
fuzz-short:
	./scripts/fuzz.sh 200x

demo: build
	./scripts/demo.sh

bench: build
	./scripts/bench.sh
	./scripts/bench-sso.sh
	./scripts/bench-keychain.sh
	./scripts/bench-eks.sh
	./scripts/bench-ratios.sh

# The regression check of the speed goals: a quick interleaved run
# (about 30 s) that fails when a ratio to a Go hello-world is over the limit
# of its row in scripts/bench-ratios.sh, or a peak RSS over 22 MiB.
bench-check: build
	./scripts/bench-ratios.sh --check

# The release matrix: fails if any platform stops compiling.
cross:
	for p in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64; do \
		GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build ./cmd/assume ./cmd/assume-aws || exit 1; done

# The man page, generated from the same text as --help (a test keeps it current).
man:
	$(GO) run ./cmd/assume __man > docs/man/assume.1

clean:
	rm -rf $(BIN) dist

# A release into dist/ (docs/release.md): HEAD a clean vX.Y.Z tag,
# ASSUME_SIGNING_KEY the private key. `make snapshot`: any commit, signed with
# a throwaway key unless ASSUME_SIGNING_KEY is set.
release:
	./scripts/release.sh

snapshot:
	./scripts/release.sh --snapshot

# The release's tests: two snapshot builds of HEAD (byte-identical), the
# .deb with dpkg, the .rpm, the manifests, install.sh from a loopback server.
# Both builds are linux/amd64 (the cross builds of the full matrix cost far
# more than make test may); RELEASE_TEST_PLATFORMS=all makes the first one the
# full matrix, so that the manifests are checked against real archives (the
# release workflow checks its own release with ASSUME_RELEASE_DIST=dist).
RELEASE_TEST_PLATFORMS ?=
release-test:
	ASSUME_RELEASE_TEST=1 ASSUME_RELEASE_PLATFORMS='$(RELEASE_TEST_PLATFORMS)' $(GO) test -count=1 ./scripts/release/

# The GitHub workflows (.github/workflows), checked with actionlint.
actionlint:
	cd scripts/release-tools/lint && $(GO) tool actionlint -no-color $(CURDIR)/.github/workflows/*.yml
