# Builds assume and assume-aws from source with buildGoModule:
#   nix build github:assume-cli/assume     nix profile install github:assume-cli/assume
# scripts/release/nix_test.go keeps vendorHash equal to the NAR hash of
# `go mod vendor` and version equal to the latest tag (docs/release.md).
{
  description = "assume: temporary AWS credentials for a profile, exported into your shell";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: rec {
        assume = pkgs.buildGoModule {
          pname = "assume";
          version = "0.0.0";
          src = self;
          # go.mod asks for Go 1.26: a nixpkgs whose go is older cannot build it.
          vendorHash = "sha256-PTzIcElmEHnUQQqPfdDLLsc2nnsdLg7Hb66OUvJ6GuE=";
          subPackages = [ "cmd/assume" "cmd/assume-aws" ];
          env.CGO_ENABLED = 0;
          # The value of scripts/goexperiment.sh (TestNixFlake keeps them equal),
          # for the Go releases that still know it.
          env.GOEXPERIMENT = if pkgs.lib.versionOlder pkgs.go.version "1.27" then "nogreenteagc" else "";
          ldflags = [
            "-s"
            "-w"
            "-X github.com/assume-cli/assume/internal/cli.Version=${assume.version}"
            "-X github.com/assume-cli/assume/internal/cli.Commit=${self.rev or "unknown"}"
            "-X github.com/assume-cli/assume/internal/cli.Dirty=${if self ? rev then "false" else "true"}"
          ];
          nativeBuildInputs = [ pkgs.installShellFiles ];
          # The tests need real shells, a browser and keyrings the build sandbox lacks.
          doCheck = false;
          postInstall = ''
            installManPage docs/man/assume.1
            installShellCompletion --cmd assume \
              --bash <($out/bin/assume completion bash) \
              --zsh <($out/bin/assume completion zsh) \
              --fish <($out/bin/assume completion fish)
          '';
          meta = {
            description = "Temporary AWS credentials for a profile, exported into your shell";
            homepage = "https://github.com/assume-cli/assume";
            license = pkgs.lib.licenses.mit;
            mainProgram = "assume";
          };
        };
        default = assume;
      });
    };
}
