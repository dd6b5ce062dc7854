#!/usr/bin/env bash
# The README's main command: ingest the bundled sample invoices into SQLite under ./data and
# show what landed. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
set +e
node dist/src/cli.js ingest --carrier ups fixtures/invoices/ups/*.csv
code=$?
set -e
node dist/src/cli.js status
echo
echo "Database: ${ETL_DATABASE_URL:-sqlite:$(pwd)/data/etl.sqlite}   (try: sqlite3 data/etl.sqlite 'select * from invoice_summary')"
exit $code
