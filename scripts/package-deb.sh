#!/usr/bin/env bash
# Builds the release desktop app and the CLI, and their .deb (offline; AppImage bundling downloads tools and
# is not supported here). Prints the package's path and size.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup-debian.sh" --desktop
bash "$root/scripts/build-ui.sh"
# The package carries the command-line tool too (/usr/bin/consentry).
cargo build -q --release --bin consentry --manifest-path "$root/Cargo.toml"
cd "$root/src-tauri"
"$root/ui/node_modules/.bin/tauri" build --bundles deb --ci
deb=$(ls -t "${CARGO_TARGET_DIR:-$root/target}"/release/bundle/deb/*.deb | head -1)
echo "$deb: $(du -k "$deb" | cut -f1) KiB"
