#!/usr/bin/env bash
# `npm test`: install what is missing, build, run every test with node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The shape rules (a carrier imports only src/carrier-kit) are part of the tests.
node_modules/.bin/eslint .
# Tests run one file at a time: the database tests share one PostgreSQL server.
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
exec node --test --test-reporter=spec --test-concurrency=1 "${files[@]}"
