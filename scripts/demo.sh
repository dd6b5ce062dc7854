#!/usr/bin/env bash
# The README's main command: start the local mock carrier portals, download every carrier's
# sample invoices through them with real Chromium (`etl run --all`), load them into SQLite under
# ./data, and show what landed. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
exec node dist/fixtures/portal/demo.js
