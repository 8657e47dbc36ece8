#!/bin/sh
# Generates the Prisma client into libs/persistence/src/generated (run by `npm ci` via prepare).
# Prisma insists on locating a native schema engine even though `generate` does not use it and
# it cannot be downloaded here; pointing the variable at any existing file satisfies it.
set -e
cd "$(dirname "$0")/.."
PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$(command -v node)}" \
  PRISMA_HIDE_UPDATE_MESSAGE=1 exec npx --no-install prisma generate
