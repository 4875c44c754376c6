#!/usr/bin/env bash
# The one test command: installs what is missing, then runs every test.
#
#   scripts/test.sh
#
# Each step is a function listed in `steps` below; to add one (such as the desktop app's
# end-to-end tests), write a function and add its name to the list.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Rust installed by rustup but not yet on this shell's PATH.
if ! command -v cargo >/dev/null 2>&1 && [[ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]]; then
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi

header() {
  printf '\n==> %s\n' "$*"
}

# The workspace's desktop crate (src-tauri) needs WebKitGTK to build, and its end-to-end tests
# need Xvfb and WebKitWebDriver.
setup_args=()
if [[ -f src-tauri/Cargo.toml ]]; then
  setup_args+=(--desktop)
fi

step_setup() {
  header "System packages and Rust (scripts/setup-debian.sh ${setup_args[*]:-})"
  bash scripts/setup-debian.sh "${setup_args[@]}"
}

step_ui() {
  header "Desktop UI (npm ci, tsc, vite build → ui/dist)"
  bash scripts/build-ui.sh
}

step_binaries() {
  header "Debug builds of the CLI and the desktop app (used by CLI and end-to-end tests)"
  cargo build --workspace --bins
}

step_tests() {
  header "Unit, integration, CLI, bindings and end-to-end tests (cargo test --workspace --all-targets)"
  cargo test --workspace --all-targets
}

step_doctests() {
  header "Documentation tests (cargo test --workspace --doc)"
  cargo test --workspace --doc
}

steps=(step_setup step_ui step_binaries step_tests step_doctests)

for step in "${steps[@]}"; do
  "$step"
done

header "All tests passed."
