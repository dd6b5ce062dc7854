# The ETL as a container: one `etl run --all`, then exit (for cron, a Kubernetes CronJob or a
# systemd timer: see docs/scheduling.md). Debian bookworm + Node 24 (LTS); Chromium and
# LibreOffice come from scripts/system-packages.txt through scripts/install-deps.sh, the same
# script the README's quick start runs (one list of system packages). Built and run for real by
# scripts/container-smoke.sh (npm run test:container, run by CI).

FROM node:24-bookworm-slim AS build
WORKDIR /app
# Compilers only: this stage builds better-sqlite3 and the TypeScript, it never runs the ETL.
COPY scripts/install-deps.sh scripts/system-packages.txt scripts/build-packages.txt scripts/
RUN bash scripts/install-deps.sh --system-only --no-runtime --build-tools
# node-gyp compiles better-sqlite3 against the headers the node image ships, instead of
# downloading them (no prebuilt binary or header download is needed, so a registry-only
# network is enough).
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src src
COPY carriers carriers
RUN bash scripts/install-deps.sh --no-runtime --build-tools --tsconfig tsconfig.build.json \
 && npm prune --omit=dev --ignore-scripts

FROM node:24-bookworm-slim
WORKDIR /app
COPY scripts/install-deps.sh scripts/system-packages.txt scripts/
RUN bash scripts/install-deps.sh --system-only && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY etl.config.example.yaml README.md ./
RUN ln -s /app/dist/src/cli.js /usr/local/bin/etl && chmod +x /app/dist/src/cli.js \
 && useradd --create-home --uid 10001 etl && mkdir -p /data && chown etl:etl /data
USER etl
ENV ETL_DATA_DIR=/data \
    ETL_CONFIG=/data/etl.config.yaml \
    ETL_CHROMIUM=/usr/bin/chromium \
    NODE_ENV=production
VOLUME ["/data"]
ENTRYPOINT ["etl"]
CMD ["run", "--all"]
