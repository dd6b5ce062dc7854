#!/usr/bin/env bash
# The README's main command: ingest the bundled sample invoices of every carrier into SQLite
# under ./data (carriers recognized from the files' content) and show what landed. Installs
# what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
set +e
mapfile -t samples < <(find fixtures/invoices -mindepth 2 -maxdepth 2 -type f ! -name '*.expected.json' | sort)
node dist/src/cli.js ingest "${samples[@]}"
code=$?
set -e
node dist/src/cli.js status
echo
echo "Database: ${ETL_DATABASE_URL:-sqlite:$(pwd)/data/etl.sqlite}   (try: sqlite3 data/etl.sqlite 'select * from invoice_summary')"
exit $code
