#!/usr/bin/env bash
# The kill -9 stress run: 1,000 (or $1) captures killed mid-flight, then every acknowledged
# event must be present and the vault's integrity checks clean. The test suite runs 20.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-1000}"
echo "== kill -9 stress: $rounds rounds"
CONSENTRY_KILL_ROUNDS="$rounds" cargo test --test integration crash::kill_9_loses_no_acknowledged_event -- --exact --nocapture
slot_rounds="${2:-50}"
echo "== kill -9 stress: key-slot changes, $slot_rounds rounds each of passphrase changes, of disable/reset and of key rotation"
CONSENTRY_SLOT_KILL_ROUNDS="$slot_rounds" cargo test --test integration crash_slots::kill_9_during_key_slot_changes_leaves_old_or_new -- --exact --nocapture
