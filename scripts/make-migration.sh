#!/usr/bin/env bash
# Generates prisma/migrations/<timestamp>_<name>/migration.sql from prisma/schema.prisma, offline.
#
# Prisma 7's migrate commands need a native schema engine that cannot be downloaded here, so we
# diff with Prisma 6.19's WASM schema engine (devDependency alias "prisma-wasm-diff"), which only
# reads schema files. The schema each migration was made from is kept as
# prisma/migrations/schema.snapshot.prisma; the next migration is the diff snapshot -> schema.
#
#   scripts/make-migration.sh <name>   write a new migration (nothing if the schema is unchanged)
#   scripts/make-migration.sh --check  exit 1 if schema.prisma has changes without a migration
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
if [[ -z "$mode" ]]; then
  echo "usage: $0 <migration_name> | --check" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Prisma 6 requires a datasource url in the schema; Prisma 7 forbids it. Add it to a copy.
with_url() {
  sed 's/^\(  provider *= *"postgresql"\)$/\1\n  url = env("DATABASE_URL")/' "$1" >"$2"
}
with_url prisma/schema.prisma "$work/to.prisma"
cat >"$work/prisma.config.ts" <<CONFIG
import { defineConfig } from '$PWD/node_modules/prisma-wasm-diff/config';
import { PrismaPg } from '$PWD/node_modules/@prisma/adapter-pg';
// The JS schema engine opens this connection at start-up (it reads nothing: the diff is
// schema-to-schema). Any reachable PostgreSQL will do.
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new PrismaPg({ connectionString: '${MIGRATION_DIFF_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}' }) as never,
  schema: 'to.prisma',
});
CONFIG

snapshot=prisma/migrations/schema.snapshot.prisma
if [[ -f "$snapshot" ]]; then
  with_url "$snapshot" "$work/from.prisma"
  from=(--from-schema-datamodel "$work/from.prisma")
else
  from=(--from-empty)
fi

# Both variables only need to name an existing file: they stop Prisma 6 downloading engines it
# does not use for a schema diff.
(cd "$work" && DATABASE_URL=postgresql://unused@127.0.0.1/unused \
  PRISMA_SCHEMA_ENGINE_BINARY=/bin/true PRISMA_QUERY_ENGINE_LIBRARY=/bin/true \
  node "$OLDPWD/node_modules/prisma-wasm-diff/build/index.js" migrate diff "${from[@]}" \
  --to-schema-datamodel to.prisma --script >diff.sql)

if ! grep -qv -e '^--' -e '^[[:space:]]*$' "$work/diff.sql"; then
  echo "schema.prisma has no changes since the last migration"
  exit 0
fi
if [[ "$mode" == "--check" ]]; then
  echo "schema.prisma has changes without a migration; run scripts/make-migration.sh <name>:" >&2
  cat "$work/diff.sql" >&2
  exit 1
fi

dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_${mode}"
mkdir -p "$dir"
cp "$work/diff.sql" "$dir/migration.sql"
cp prisma/schema.prisma "$snapshot"
echo "wrote $dir/migration.sql"
