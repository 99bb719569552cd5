# syntax=docker/dockerfile:1.7
# One image per service from this monorepo: `docker build --build-arg SERVICE=gateway -t dbcarts/gateway:1.2.3 .`
# (README "From laptop to cluster"). Three stages: `build` compiles every workspace with dev
# dependencies; `prune` installs production dependencies for the service's workspace and the
# workspaces it imports (packages/* and the client packages of the services it calls), nothing else;
# the final stage copies that tree onto a clean Node 24 image and runs as a non-root user. The gateway's
# image also carries the built storefront (web/storefront/dist, its STOREFRONT_DIR default).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Manifests first: the dependency layer is reused until package-lock.json changes.
COPY package.json package-lock.json ./
COPY packages ./packages
COPY services ./services
COPY web ./web
COPY scripts/build.mjs ./scripts/build.mjs
COPY tsconfig.base.json ./
# No install scripts: the two packages that have one are the `node` devDependency (it would download a
# second Node; the image has one) and protobufjs (a version notice).
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --ignore-scripts
RUN node scripts/build.mjs

FROM ${NODE_IMAGE} AS prune
ARG SERVICE
WORKDIR /src
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/packages ./packages
COPY --from=build /src/services ./services
COPY --from=build /src/web ./web
# The workspaces SERVICE needs at run time: its own and every @dbcarts/* it depends on, transitively.
# Each keeps only package.json and dist (compiled JS): no sources, tests or dev tooling. The other
# workspaces keep their package.json only, so package-lock.json still matches and `npm ci` accepts it.
RUN test -n "$SERVICE" || { echo "--build-arg SERVICE=<folder under services/> is required" >&2; exit 1; } \
 && test -f "services/$SERVICE/package.json" || { echo "no service $SERVICE" >&2; exit 1; } \
 && node -e ' \
      const fs = require("node:fs"); \
      const root = JSON.parse(fs.readFileSync("package.json", "utf8")); \
      const byName = new Map(root.workspaces.map((d) => [JSON.parse(fs.readFileSync(d + "/package.json", "utf8")).name, d])); \
      const need = new Set(); \
      const walk = (dir) => { if (need.has(dir)) return; need.add(dir); \
        const deps = JSON.parse(fs.readFileSync(dir + "/package.json", "utf8")).dependencies ?? {}; \
        for (const n of Object.keys(deps)) if (byName.has(n)) walk(byName.get(n)); }; \
      walk("services/" + process.argv[1]); \
      fs.writeFileSync("/tmp/closure", [...need].join("\n") + "\n"); \
    ' "$SERVICE" \
 && mkdir /out && cp package.json package-lock.json /out/ \
 && for dir in $(node -p 'JSON.parse(require("fs").readFileSync("package.json","utf8")).workspaces.join(" ")'); do \
      mkdir -p "/out/$dir" && cp "$dir/package.json" "/out/$dir/"; \
    done \
 && for dir in $(cat /tmp/closure); do cp -r "$dir/dist" "/out/$dir/dist"; done \
 && if [ "$SERVICE" = gateway ]; then cp -r web/storefront/dist /out/web/storefront/dist; fi
WORKDIR /out
# --omit=dev with one -w per needed workspace: production dependencies of those workspaces only.
# No install scripts: no production dependency builds native code.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit $(sed 's/^/-w /' /tmp/closure) \
 && rm -rf /root/.npm/_logs

FROM ${NODE_IMAGE}
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    APP_HOST=0.0.0.0 \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
# The image's own `node` user (UID/GID 1000), matching runAsUser in deploy/k8s; files owned by root
# and read-only to it, so a read-only root filesystem changes nothing (only /tmp is written).
COPY --from=prune --chown=root:root /out /app
USER 1000:1000
# Documentation only: APP_PORT (required, no default) comes from the Deployment or `docker run -e`;
# METRICS_PORT 9464 serves /metrics.
EXPOSE 8080 9464
# Liveness of the process without curl in the image: Node's own fetch against /healthz.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const port = process.env.APP_PORT ?? require(`/app/services/${process.env.SERVICE}/package.json`).dbcarts.devPort; fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# exec form: node is PID 1 and receives SIGTERM itself (packages/http serve() drains on it).
CMD ["sh", "-c", "exec node services/$SERVICE/dist/src/main.js"]
