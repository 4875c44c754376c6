#!/usr/bin/env bash
# The one run command: installs what is missing, builds the release desktop app and opens it
# on the default vault (~/.local/share/consentry/consentry.db, or $CONSENTRY_VAULT). On first
# run the app shows the create-vault screen.
#
#   scripts/run.sh
#
# The command-line tool is scripts/cli.sh.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v cargo >/dev/null 2>&1 && [[ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]]; then
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi

bash "$root/scripts/setup-debian.sh" --desktop
bash "$root/scripts/build-ui.sh"
bin="${CARGO_TARGET_DIR:-$root/target}/release/consentry-desktop"
if [[ ! -x "$bin" ]]; then
  echo "Building the Consentry desktop app (release; the first build takes about ten minutes)..." >&2
fi
cargo build -q --release -p consentry-desktop --features custom-protocol --manifest-path "$root/Cargo.toml"

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "run.sh: no display (DISPLAY/WAYLAND_DISPLAY unset). Run it on a desktop session," >&2
  echo "  or headless with: xvfb-run -a scripts/run.sh" >&2
  exit 1
fi
exec "$bin" "$@"
