#!/usr/bin/env bash
# Installs hoopctl from this checkout into cargo's bin directory. Idempotent: running it again
# rebuilds and replaces the binary. Downloads nothing but crates from the crate registry.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v cargo >/dev/null; then
  echo "install.sh: cargo is not installed; install a Rust toolchain (https://rustup.rs), then re-run." >&2
  exit 1
fi
echo "Building and installing hoopctl (release build; a first build takes several minutes)…"
cargo install --path . --locked --force
bin="$(dirname "$(command -v cargo)")/hoopctl"
[ -x "$bin" ] || bin="${CARGO_HOME:-$HOME/.cargo}/bin/hoopctl"
echo "Installed: $("$bin" --version) at $bin"
case ":$PATH:" in
  *":$(dirname "$bin"):"*) ;;
  *) echo "Note: $(dirname "$bin") is not on your PATH; add it to run 'hoopctl'." ;;
esac
echo "Next: hoopctl dev"
