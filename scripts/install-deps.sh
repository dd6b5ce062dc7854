#!/usr/bin/env bash
# Installs what the project needs, only when missing: Debian packages from
# scripts/system-packages.txt (apt), the npm packages (npm ci), then builds the TypeScript.
# Idempotent and quiet when everything is already there. Used by the README quick start,
# npm test, .ci/run and the Dockerfile (one list of system packages for all of them).
#   --system-only      only the Debian packages (Docker's runtime layer)
#   --build-tools      also the packages of scripts/build-packages.txt (compilers for native addons)
#   --no-runtime       leave out scripts/system-packages.txt (Chromium, LibreOffice): Docker's
#                      build stage compiles, it never runs the ETL
#   --tsconfig FILE    the TypeScript project to build (default tsconfig.json, which includes the
#                      tests; the Docker image builds tsconfig.build.json)
set -euo pipefail
cd "$(dirname "$0")/.."

system_only=0
runtime=1
build_tools=0
tsconfig=tsconfig.json
while [ $# -gt 0 ]; do
  case "$1" in
    --system-only) system_only=1 ;;
    --build-tools) build_tools=1 ;;
    --no-runtime) runtime=0 ;;
    --tsconfig) tsconfig="${2:?install-deps: --tsconfig needs a file}"; shift ;;
    *) echo "install-deps: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
lists=()
[ "$runtime" -eq 1 ] && lists+=(scripts/system-packages.txt)
[ "$build_tools" -eq 1 ] && lists+=(scripts/build-packages.txt)

packages=()
[ ${#lists[@]} -gt 0 ] && mapfile -t packages < <(cat "${lists[@]}" | grep -vE '^\s*(#|$)')
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: missing system packages (${missing[*]}) and no apt-get; install them by hand" >&2
    exit 3
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "install-deps: need root (or sudo) to apt-get install ${missing[*]}" >&2
      exit 3
    fi
  fi
  echo "install-deps: installing ${missing[*]} with apt-get" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
[ "$system_only" -eq 1 ] && exit 0

# npm packages: reinstall when node_modules is missing or older than the lock file.
# A node_modules that is a symlink is an install shared with other checkouts: npm ci would empty
# it under them (it did once), so it is only reported as stale, never reinstalled from here.
if [ -L node_modules ] && [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: node_modules links to a shared install ($(readlink node_modules)) older than package-lock.json; not reinstalling it from here" >&2
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: installing npm packages" >&2
  # Browsers come from Debian (chromium); never let a package download its own.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2
fi

npx --no-install tsc -p "$tsconfig"
