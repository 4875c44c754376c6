#!/usr/bin/env bash
# Builds the desktop app's front end (ui/ → ui/dist), which the Tauri shell embeds.
# Installs the locked npm packages first when they are missing or out of date.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../ui"
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "==> Installing UI packages (npm ci)"
  npm ci --no-audit --no-fund
fi
echo "==> Building the UI (tsc + vite)"
npm run --silent build
