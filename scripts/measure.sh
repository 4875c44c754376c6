#!/usr/bin/env bash
# Start-up and package size of the desktop app, written into the benchmark results:
#   1. builds the release app as scripts/run.sh does (cargo build --release -p consentry-desktop
#      --features custom-protocol) and the release CLI;
#   2. scripts/measure-desktop.py: cold start to the unlock screen under Xvfb, unlock time and
#      idle RSS (medians of MEASURE_RUNS runs, default 5, after one uncounted run);
#   3. scripts/package-deb.sh: the .deb, and its size;
#   4. records them under "startup" in bench/results.json and re-renders BENCHMARKS.md
#      (cargo bench --bench consentry -- --startup FILE ...), keeping the engine results there.
#   With LARGE_VAULT=DIR (a vault kept by `cargo bench --bench consentry -- --large --keep-vault
#   DIR`), step 2 also unlocks that vault (1.6 million events) as its marketer, and records the
#   idle RSS, the highest RSS while Home's verify ran, and how long that verify took.
# Targets (reported, not asserted): cold start <= 1 s, .deb <= 10 MB, idle RSS <= 150 MB with
# the large vault open.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if ! command -v cargo >/dev/null 2>&1 && [[ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]]; then
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi
target="${CARGO_TARGET_DIR:-$root/target}"
runs="${MEASURE_RUNS:-5}"

bash scripts/setup-debian.sh --desktop
bash scripts/build-ui.sh
echo "measure: building the release app and CLI..." >&2
cargo build -q --release -p consentry-desktop --features custom-protocol
cargo build -q --release --bin consentry

echo "measure: cold start and idle memory under Xvfb ($runs runs)..." >&2
desktop_json="$(python3 scripts/measure-desktop.py --runs "$runs" --app "$target/release/consentry-desktop" \
  --cli "$target/release/consentry")"

large_json='{}'
if [[ -n "${LARGE_VAULT:-}" ]]; then
  echo "measure: the app on the large vault in $LARGE_VAULT ($runs runs)..." >&2
  # A scratch copy: unlocking writes to the vault (its audit log, and the verify's result).
  scratch="$(mktemp -d)"
  cp "$LARGE_VAULT/engine.db" "$LARGE_VAULT/engine.db.keys" "$scratch/"
  large_json="$(python3 scripts/measure-desktop.py --runs "$runs" --app "$target/release/consentry-desktop" \
    --vault "$scratch/engine.db" --operator Mo --passphrase "bench marketer passphrase")"
  rm -rf "$scratch"
fi

echo "measure: building the .deb..." >&2
bash scripts/package-deb.sh >&2
deb="$(ls -t "$target"/release/bundle/deb/*.deb | head -1)"

startup="$(mktemp)"
trap 'rm -f "$startup"' EXIT
DESKTOP_JSON="$desktop_json" LARGE_JSON="$large_json" DEB="$deb" COMMIT="$(git rev-parse --short=12 HEAD)" python3 - "$startup" <<'PY'
import datetime, json, os, sys
d = json.loads(os.environ["DESKTOP_JSON"])
large = json.loads(os.environ["LARGE_JSON"])
deb = os.environ["DEB"]
out = dict(d["median"])
out.update({
    "runs": d["runs"],
    "min_max": d["min_max"],
    "deb": os.path.basename(deb),
    "deb_bytes": os.path.getsize(deb),
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "commit": os.environ["COMMIT"],
})
if large:
    out["large_vault"] = dict(large["median"], runs=large["runs"], min_max=large["min_max"])
json.dump(out, open(sys.argv[1], "w"), indent=2)
print(json.dumps(out, indent=2))
PY
cargo bench -q --bench consentry -- --startup "$startup" --out bench/results.json --md BENCHMARKS.md
