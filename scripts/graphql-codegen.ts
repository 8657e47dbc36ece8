/**
 * Writes the API's GraphQL SDL (apps/api/schema.graphql) and the dashboard's typed documents
 * (apps/dashboard/src/api/graphql.generated.ts). With --check it writes nothing and fails when
 * either committed file differs from what the code generates: the build runs it so, so a schema
 * change or a dashboard query the schema does not serve fails before the dashboard is bundled.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { graphqlArtifacts } from './support/graphql-artifacts';

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const root = process.cwd();
  const stale: string[] = [];
  for (const artifact of await graphqlArtifacts(root)) {
    const path = join(root, artifact.path);
    const committed = await readFile(path, 'utf8').catch(() => '');
    if (committed === artifact.content) continue;
    if (check) stale.push(artifact.path);
    else await writeFile(path, artifact.content);
  }
  if (stale.length > 0) {
    console.error(
      `out of date: ${stale.join(', ')}; run \`npm run generate:graphql\` and commit the result`,
    );
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message ?? error);
  process.exitCode = 1;
});
