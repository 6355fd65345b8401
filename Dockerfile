# syntax=docker/dockerfile:1

# ---- build: compile the web app and the server ------------------------------------------
FROM node:22-bookworm-slim AS build
WORKDIR /app
# Manifests first so the dependency layer is cached until a package.json or the lock changes.
COPY package.json package-lock.json ./
COPY server/package.json server/package.json
COPY web/package.json web/package.json
RUN npm ci
COPY . .
RUN npm run build

# ---- runtime: server production dependencies and built output only ----------------------
# server/test/ops/runtime-image.int.test.ts rebuilds this stage without Docker (it replays
# these instructions into a temporary directory and runs the service and its commands from
# it): an instruction it does not know fails that test until it is taught.
FROM node:22-bookworm-slim AS runtime
# pg_dump, pg_restore and psql for `backup` and `restore`, of the same major version as the
# compose Postgres (pg_dump refuses a newer server); they land in /usr/lib/postgresql/15/bin,
# where the commands look first.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
COPY server/package.json server/package.json
COPY web/package.json web/package.json
# Only the server workspace's runtime dependencies; nothing is installed when the container starts.
# --omit=optional too: npm otherwise keeps typescript, a dev dependency that the web app's
# i18next names as an optional peer (the server needs no optional package; the image test
# runs the service from exactly this install).
RUN npm ci --omit=dev --omit=optional --workspace server --include-workspace-root=false \
    && npm cache clean --force
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/web/dist web/dist
# The embedded mode keeps its data under /app/data and compose's backup service writes to
# /backups (a named volume takes this ownership); the app itself stays read-only for `node`.
RUN mkdir -p /app/data /backups && chown node:node /app/data /backups
USER node
EXPOSE 3000
# Slim images have no curl; Node 22 has fetch.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The commands run from the same compiled code, e.g. `node server/dist/cli/migrate.js`,
# `cli/admin-create.js`, `cli/backup.js`, `cli/restore.js` (docs/operations.md, "The image").
CMD ["node", "server/dist/main.js"]
