#!/usr/bin/env bash
# `npm run test:container` (run by .ci/run after npm test): builds the project's Dockerfile,
# unchanged, and runs the image the way docs/scheduling.md tells a scheduler to, against the
# demo's mock portals on this host:
#   1. installs docker.io and debootstrap with apt when missing, starts a dockerd of its own when
#      none runs (--bridge=none --iptables=false: containers use --network host, so all traffic
#      stays on 127.0.0.1) and stops only that one at the end;
#   2. builds or reuses the TEST-ONLY stand-in for the Dockerfile's base image
#      (scripts/stand-in-base-image.sh: no image registry is reachable here; see README);
#   3. `docker build`, then checks the image: its size, its non-root user, and that it holds no
#      tests, fixtures or bench (tsconfig.build.json);
#   4. SQLite: `etl run --all` (the image's default command) as the image's user into a fresh
#      /data volume, then `etl report` and `etl status --json`; on the host: the volume's
#      database holds every carrier's demo invoices (test/container/check.ts), the report is
#      there, every file belongs to the image's user, no secret reached any file;
#   5. PostgreSQL: the same with ETL_DATABASE_URL, into a database made for this run and dropped
#      after.
# Prints each step's time and the image size; exits non-zero on any failure.
# ETL_CONTAINER_CACHE: where the stand-in's root filesystem is kept between runs
# (default /var/cache/etl-container-smoke). ETL_TEST_PG_URL: the PostgreSQL server to use.
set -euo pipefail
cd "$(dirname "$0")/.."

image=carrier-etl:smoke
run_id="$$"
work="$(mktemp -d /tmp/etl-container-smoke.XXXXXX)"
volumes=()
pg_admin="${ETL_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_db="etl_container_smoke_$run_id"
pg_created=0
portal_pid=""
own_dockerd_pid=""
started="$(date +%s.%N)"

current_step=""
steps_passed=0

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

cleanup() {
  local rc=$?
  set +e
  [ "$rc" -ne 0 ] && echo "container-smoke: FAILED in step: $current_step" >&2
  [ -n "$portal_pid" ] && kill "$portal_pid" 2>/dev/null && wait "$portal_pid" 2>/dev/null
  for v in "${volumes[@]}"; do docker volume rm -f "$v" > /dev/null 2>&1; done
  [ "$pg_created" -eq 1 ] && psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db" > /dev/null 2>&1
  if [ -n "$own_dockerd_pid" ]; then
    kill "$own_dockerd_pid" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$own_dockerd_pid" 2>/dev/null || break; sleep 1; done
  fi
  rm -rf "$work"
  echo "container-smoke: total $(elapsed "$started") s, exit $rc" >&2
  exit "$rc"
}
trap cleanup EXIT

# step NAME FUNCTION: runs FUNCTION, prints its time. Not called in a condition, so that set -e
# stops the script at the first failing command inside it (the EXIT trap names the step).
step() {
  local t
  t="$(date +%s.%N)"
  current_step="$1"
  echo "== $1" >&2
  "$2"
  steps_passed=$((steps_passed + 1))
  echo "   $1: $(elapsed "$t") s" >&2
}

tools() {
  if ! command -v dockerd > /dev/null || ! command -v debootstrap > /dev/null; then
    echo "installing docker.io and debootstrap with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io debootstrap > "$work/apt.log" 2>&1 || { tail -n 20 "$work/apt.log" >&2; return 1; }
  fi
  command -v psql > /dev/null || { echo "psql is needed for the PostgreSQL run" >&2; return 1; }
  # the host side (mock portals, checks) runs from the full build
  bash scripts/install-deps.sh
}

daemon() {
  if docker info > /dev/null 2>&1; then
    echo "using the running Docker daemon" >&2
    return 0
  fi
  dockerd --bridge=none --iptables=false --ip6tables=false > "$work/dockerd.log" 2>&1 &
  own_dockerd_pid=$!
  for _ in $(seq 1 60); do
    docker info > /dev/null 2>&1 && { echo "started dockerd (pid $own_dockerd_pid), stopped at the end" >&2; return 0; }
    kill -0 "$own_dockerd_pid" 2>/dev/null || break
    sleep 1
  done
  tail -n 20 "$work/dockerd.log" >&2
  return 1
}

base_image() {
  local from
  mapfile -t from < <(awk '/^FROM / { print $2 }' Dockerfile | sort -u)
  [ "${#from[@]}" -eq 1 ] || { echo "Dockerfile uses ${#from[@]} base images (${from[*]}); the stand-in covers one" >&2; return 1; }
  bash scripts/stand-in-base-image.sh "${from[0]}"
}

build() {
  docker build --network host -t "$image" . > "$work/build.log" 2>&1 || { tail -n 40 "$work/build.log" >&2; return 1; }
  tail -n 2 "$work/build.log" >&2
}

inspect_image() {
  local bytes user_id stray node
  bytes="$(docker image inspect -f '{{.Size}}' "$image")"
  echo "image size: $((bytes / 1000000)) MB ($bytes bytes)" >&2
  user_id="$(docker run --rm --network none --entrypoint id "$image" -u)"
  [ "$user_id" != 0 ] || { echo "the image runs as root" >&2; return 1; }
  echo "$user_id" > "$work/uid"
  node="$(docker run --rm --network none --entrypoint node "$image" --version)"
  echo "image user uid $user_id, Node.js $node" >&2
  # what the image ships of this project: no tests, fixtures or bench, no test files anywhere
  stray="$(docker run --rm --network none --entrypoint sh "$image" -c \
    'cd /app && ls -d test fixtures bench dist/test dist/fixtures dist/bench 2>/dev/null; find /app/dist -name "*.test.js"')"
  [ -z "$stray" ] || { echo "the image holds what only development needs:" >&2; echo "$stray" >&2; return 1; }
  docker run --rm --network none "$image" --help > /dev/null
}

portals() {
  node dist/fixtures/portal/serve.js "$work/portal" > "$work/portal.log" 2>&1 &
  portal_pid=$!
  for _ in $(seq 1 60); do
    [ -f "$work/portal/etl.config.yaml" ] && { cat "$work/portal.log" >&2; return 0; }
    kill -0 "$portal_pid" 2>/dev/null || break
    sleep 0.5
  done
  cat "$work/portal.log" >&2
  return 1
}

# run_in_container NAME [docker run options...]: the scheduled run into a fresh volume, then
# report and status, then the host-side checks. $db_url is the database the checks read.
run_in_container() {
  local name="$1" vol="etl-smoke-$1-$run_id" secrets="$work/$1.env" mp rc not_owned
  shift
  volumes+=("$vol")
  cp "$work/portal/secrets.env" "$secrets"
  [ -n "${database_url:-}" ] && echo "ETL_DATABASE_URL=$database_url" >> "$secrets"
  docker volume create "$vol" > /dev/null
  # the config goes into the volume once, as the image's user (docs/scheduling.md)
  docker run --rm -i --network none -v "$vol:/data" --entrypoint sh "$image" -c 'cat > /data/etl.config.yaml' < "$work/portal/etl.config.yaml"
  # The scheduled run, as docs/scheduling.md shows it (plus --network host: the portals are on
  # this host's loopback).
  rc=0
  docker run --rm --network host -v "$vol:/data" --env-file "$secrets" "$image" || rc=$?
  [ "$rc" -eq 0 ] || { echo "etl run --all in the container exited $rc" >&2; return 1; }
  docker run --rm --network host -v "$vol:/data" --env-file "$secrets" "$image" report --out /data/report.html
  docker run --rm --network host -v "$vol:/data" --env-file "$secrets" "$image" status --json > "$work/$name-status.json"
  node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const ok = s.last_run?.status === "succeeded" && s.files.quarantined === 0 && s.invoices > 0 && s.unreconciled === 0;
    console.error(`etl status --json: last run ${s.last_run?.status}, ${s.invoices} invoices, ${s.files.loaded} files loaded, ${s.files.quarantined} quarantined, ${s.unreconciled} unreconciled`);
    process.exit(ok ? 0 : 1);' "$work/$name-status.json"
  mp="$(docker volume inspect -f '{{.Mountpoint}}' "$vol")"
  grep -q '<html' "$mp/report.html" || { echo "no HTML report in the volume" >&2; return 1; }
  echo "report.html: $(stat -c %s "$mp/report.html") bytes" >&2
  not_owned="$(find "$mp" ! -uid "$(cat "$work/uid")" -printf '%u:%g %p\n' | sed "s|$mp|/data|")"
  [ -z "$not_owned" ] || { echo "files in /data not owned by the image's user:" >&2; echo "$not_owned" >&2; return 1; }
  echo "every file in /data ($(find "$mp" | wc -l) entries) belongs to uid $(cat "$work/uid")" >&2
  local url="${database_url:-sqlite:$mp/etl.sqlite}"
  [ -n "${database_url:-}" ] || [ -f "$mp/etl.sqlite" ] || { echo "no etl.sqlite in the volume" >&2; return 1; }
  node dist/test/container/check.js "$url" "$mp" "$secrets" >&2
}

sqlite_run() {
  database_url="" run_in_container sqlite
}

postgres_run() {
  psql "$pg_admin" -qc "CREATE DATABASE $pg_db" > /dev/null
  pg_created=1
  database_url="${pg_admin%/*}/$pg_db" run_in_container postgres
}

step "install docker.io and debootstrap, build the host side" tools
step "Docker daemon" daemon
step "stand-in base image (TEST ONLY)" base_image
step "docker build" build
step "image: size, user, no tests/fixtures/bench" inspect_image
step "mock portals on 127.0.0.1" portals
step "container run into SQLite: run --all, report, status --json, checks" sqlite_run
step "container run into PostgreSQL: run --all, report, status --json, checks" postgres_run
echo "container-smoke: OK, image $image $(( $(docker image inspect -f '{{.Size}}' "$image") / 1000000 )) MB" >&2
echo "container-smoke: $steps_passed passed, 0 failed"
