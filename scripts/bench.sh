#!/usr/bin/env bash
# `npm run bench`: not part of `npm test`. Installs and builds, then runs the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
node dist/bench/ingest.bench.js "$@"
node dist/bench/convert.bench.js
node dist/bench/portal.bench.js
