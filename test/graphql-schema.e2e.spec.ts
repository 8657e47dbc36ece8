import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TestPlatform } from './support/test-platform';

/**
 * The running API serves exactly the committed SDL (apps/api/schema.graphql, from which the
 * dashboard's types are generated): a resolver left out of the SDL's list, or a schema change
 * not regenerated, fails here.
 */
describe('GraphQL schema of the running API', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start();
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
  });

  it('equals the committed apps/api/schema.graphql', async () => {
    const answer = await platform.graphql(getIntrospectionQuery({ descriptions: true }));
    expect(answer.errors).toBeUndefined();
    const running = buildClientSchema(answer.data as unknown as IntrospectionQuery);
    const committed = buildSchema(
      await readFile(join(__dirname, '..', 'apps/api/schema.graphql'), 'utf8'),
    );
    expect(printSchema(lexicographicSortSchema(running))).toBe(
      printSchema(lexicographicSortSchema(committed)),
    );
  });
});
