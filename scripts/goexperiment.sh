#!/bin/sh
# Prints the GOEXPERIMENT that the binaries are built with (make build,
# make install, scripts/release.sh; flake.nix has the same value and
# TestNixFlake keeps it so): the garbage collector before Go 1.26's Green
# Tea, whose per-span mark bits cost a short-lived process a page fault for
# every span it touches (docs/decisions.md, "The garbage collector of the
# binaries"). Prints nothing when the toolchain no longer knows the setting,
# so a newer Go builds with its default instead of failing.
want=nogreenteagc
if GOEXPERIMENT=$want "${GO:-go}" env GOEXPERIMENT >/dev/null 2>&1; then
	echo "$want"
fi
