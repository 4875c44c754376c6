#!/usr/bin/env bash
# Installs the Debian/Ubuntu system packages Consentry needs to build and test, but only
# those that are missing; safe to run any number of times. Also checks that Rust's cargo
# is installed.
#
#   scripts/setup-debian.sh             packages for the engine and the CLI
#   scripts/setup-debian.sh --desktop   also those for the desktop app and its end-to-end tests
set -euo pipefail

packages=(build-essential pkg-config libssl-dev file)
desktop_packages=(
  libwebkit2gtk-4.1-dev # WebKitGTK for the Tauri desktop app
  xvfb xauth            # a headless X server for end-to-end tests (xauth is only "recommended" by xvfb)
  webkit2gtk-driver     # /usr/bin/WebKitWebDriver, driven by tauri-driver
  fonts-dejavu-core     # a default font for the webview
  fonts-noto-cjk        # Chinese text renders as boxes without it
  imagemagick           # `import` for screenshots of the Xvfb display
)

for arg in "$@"; do
  case "$arg" in
    --desktop) packages+=("${desktop_packages[@]}") ;;
    -h | --help)
      sed -n '2,7s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *)
      echo "setup-debian.sh: unknown argument '$arg' (expected --desktop)" >&2
      exit 2
      ;;
  esac
done

# --- system packages -------------------------------------------------------------------
if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-debian.sh: this is not a Debian/Ubuntu system (no dpkg/apt-get)." >&2
  echo "  Install the equivalents of these packages yourself: ${packages[*]}" >&2
else
  missing=()
  for pkg in "${packages[@]}"; do
    # `dpkg -s` also succeeds for removed packages whose config files remain: check the status.
    if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
      missing+=("$pkg")
    fi
  done

  if ((${#missing[@]} > 0)); then
    if [[ $(id -u) -eq 0 ]]; then
      as_root=()
    elif command -v sudo >/dev/null 2>&1; then
      as_root=(sudo)
    else
      echo "setup-debian.sh: these packages are missing and installing them needs root: ${missing[*]}" >&2
      echo "  Run this script as root, or install sudo." >&2
      exit 1
    fi
    echo "==> Installing system packages: ${missing[*]}"
    "${as_root[@]}" apt-get update
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

# --- Rust ------------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1; then
  if [[ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]]; then
    echo "setup-debian.sh: Rust is installed but cargo is not on your PATH." >&2
    echo "  Run:  . \"${CARGO_HOME:-$HOME/.cargo}/env\"   (or open a new terminal) and try again." >&2
  else
    echo "setup-debian.sh: cargo was not found. Install Rust (stable) with rustup:" >&2
    echo "  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh" >&2
    echo "  then open a new terminal (or run: . \"\$HOME/.cargo/env\") and try again." >&2
    echo "  See https://rustup.rs for other ways to install it." >&2
  fi
  exit 1
fi

# --- desktop extras: Node.js for the UI build, tauri-driver for end-to-end tests -----------
if [[ " ${packages[*]} " == *" libwebkit2gtk-4.1-dev "* ]]; then
  if ! command -v npm >/dev/null 2>&1 || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit((a===20&&b>=19)||a===21||(a===22&&b>=12)||a>22?0:1)' 2>/dev/null; then
    echo "setup-debian.sh: the UI build needs Node.js 20.19+ (or 22.12+) with npm; found: $(node --version 2>/dev/null || echo none)." >&2
    echo "  Install a current Node.js (for example from your distribution's backports or nodejs.org) and try again." >&2
    exit 1
  fi
  if ! command -v tauri-driver >/dev/null 2>&1; then
    echo "==> Installing tauri-driver 2.1.0 (drives the app in end-to-end tests)"
    cargo install tauri-driver --version 2.1.0 --locked
  fi
fi
