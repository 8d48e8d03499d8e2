# syntax=docker/dockerfile:1
# One image for every service: `docker run ai-gateway <app>` runs
# `node dist/apps/<app>/src/main.js` for gateway, router, cache, memory, metrics, admin or mock-llm;
# `migrate` applies the database migrations and exits (see deploy/docker/aigw.sh).
# Build: docker build -t ai-gateway:local .   (docker compose and deploy/k8s use the `runtime` stage)

ARG NODE_IMAGE=node:20-bookworm-slim

# Every dependency from the lock file, dev ones included: the build needs TypeScript.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund

# Compiles every app and lib to dist/ (tsc, then tsc-alias rewrites the @aigw/* paths).
FROM deps AS build
COPY tsconfig.base.json tsconfig.build.json ./
COPY libs libs
COPY apps apps
COPY tools tools
RUN npm run build

# Production dependencies only. No install scripts: the only prod package that has one
# (msgpackr-extract, optional) falls back to plain JavaScript without it.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# What runs: node, the compiled code, the production node_modules and the default config. npm and
# corepack are removed, so nothing can be installed or fetched at run time.
FROM ${NODE_IMAGE} AS runtime
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn* /usr/local/bin/yarn \
      /usr/local/bin/yarnpkg
ENV NODE_ENV=production \
    AIGW_ROOT=/app
WORKDIR /app
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=build /app/dist/libs dist/libs
COPY --from=build /app/dist/apps dist/apps
COPY --from=build /app/dist/tools dist/tools
COPY package.json ./
COPY config config
COPY --chmod=0755 deploy/docker/aigw.sh /usr/local/bin/aigw
# The image's `node` user; numeric so that Kubernetes can check runAsNonRoot.
USER 1000:1000
# gateway HTTP, bus services' probes (HEALTH_PORT) and the admin API, the admin's probes, mock provider
EXPOSE 8080 8081 8082 4010
ENTRYPOINT ["aigw"]
CMD ["gateway"]
