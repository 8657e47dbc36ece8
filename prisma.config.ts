// Prisma 7 CLI configuration (used by `prisma generate`). Migrations are not applied by the
// Prisma CLI here: see libs/persistence/src/migrations/migration-runner.ts and docs/platform.md.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/ddnn' },
});
