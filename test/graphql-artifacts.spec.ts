import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { graphqlArtifacts } from '../scripts/support/graphql-artifacts';

const ROOT = join(__dirname, '..');

/**
 * The committed SDL and the dashboard's typed documents are what the code generates now: a
 * resolver or type changed without `npm run generate:graphql`, or a dashboard operation the
 * schema does not serve, fails here (and in `npm run build`, which runs check:graphql).
 */
describe('generated GraphQL artifacts', () => {
  let artifacts: Awaited<ReturnType<typeof graphqlArtifacts>>;

  beforeAll(async () => {
    artifacts = await graphqlArtifacts(ROOT);
  });

  it.each(['apps/api/schema.graphql', 'apps/dashboard/src/api/graphql.generated.ts'])(
    '%s is up to date',
    async (path) => {
      const generated = artifacts.find((artifact) => artifact.path === path);
      expect(generated).toBeDefined();
      expect(await readFile(join(ROOT, path), 'utf8')).toBe(generated!.content);
    },
  );

  it('types every dashboard operation against the schema', () => {
    const types = artifacts.find((a) => a.path.endsWith('graphql.generated.ts'))!.content;
    for (const name of ['JobsQuery', 'VersionQuery', 'StartMutation', 'EdgeClientsQuery']) {
      expect(types).toContain(`export type ${name} =`);
    }
  });
});
