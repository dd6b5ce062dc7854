# The ETL as a container: one `etl run --all`, then exit (for cron, a Kubernetes CronJob or a
# systemd timer: see docs/scheduling.md). Debian + Node 20; Chromium and LibreOffice come from
# scripts/system-packages.txt through scripts/install-deps.sh, the same script the README's
# quick start runs (one list of system packages). No Docker engine runs where this project is
# developed: test/docker.test.ts checks this file against the install script instead.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY scripts/install-deps.sh scripts/system-packages.txt scripts/build-packages.txt scripts/
RUN bash scripts/install-deps.sh --system-only --build-tools
COPY package.json package-lock.json tsconfig.json ./
COPY src src
COPY carriers carriers
COPY fixtures fixtures
COPY test test
COPY bench bench
RUN bash scripts/install-deps.sh --build-tools && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
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
