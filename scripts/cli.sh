#!/usr/bin/env bash
# The command line: installs what is missing, builds the release CLI and runs it.
#
#   scripts/cli.sh                          first steps, or the list of commands
#   scripts/cli.sh init --admin "Your Name" create a vault
#   scripts/cli.sh <command> [options]      anything `consentry --help` lists
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Rust installed by rustup but not yet on this shell's PATH.
if ! command -v cargo >/dev/null 2>&1 && [[ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]]; then
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi

bash "$root/scripts/setup-debian.sh"

if [[ ! -x "$root/target/release/consentry" ]]; then
  echo "Building Consentry (release; the first build takes a few minutes)..." >&2
fi
cargo build -q --release --bin consentry --manifest-path "$root/Cargo.toml"

# Honour CARGO_TARGET_DIR if the user builds elsewhere.
bin="${CARGO_TARGET_DIR:-$root/target}/release/consentry"

if (($# == 0)); then
  vault="${CONSENTRY_VAULT:-${XDG_DATA_HOME:-$HOME/.local/share}/consentry/consentry.db}"
  if [[ ! -e "$vault" ]]; then
    cat <<HINT
Consentry keeps an encrypted, append-only record of who consented to what.

There is no vault at $vault yet. Create one, with yourself as its first administrator:

    scripts/cli.sh init --admin "Your Name"

You will choose a passphrase, and Consentry shows a recovery key once: write it down.
Then see the README's "First steps", or run: scripts/cli.sh --help
HINT
    exit 0
  fi
  exec "$bin" --help
fi

exec "$bin" "$@"
