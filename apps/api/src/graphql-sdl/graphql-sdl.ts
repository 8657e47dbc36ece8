import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { DatasetsResolver } from '../datasets/datasets.resolver';
import { EdgeResolver } from '../edge/edge.resolver';
import { ModelVersionsResolver } from '../models/model-versions.resolver';
import { ModelsResolver } from '../models/models.resolver';
import { TrainingJobLinksResolver } from '../training/training-job-links.resolver';
import { TrainingResolver } from '../training/training.resolver';

/** Where the committed SDL lives, relative to the repository root. */
export const GRAPHQL_SDL_PATH = 'apps/api/schema.graphql';

/**
 * Every resolver the API serves. A resolver missing here makes the committed SDL differ from
 * the running schema, which test/graphql-over-http.e2e.spec.ts compares by introspection.
 */
export const GRAPHQL_RESOLVERS: (new (...args: never[]) => unknown)[] = [
  DatasetsResolver,
  EdgeResolver,
  ModelsResolver,
  ModelVersionsResolver,
  TrainingResolver,
  TrainingJobLinksResolver,
];

/**
 * The API's code-first schema as SDL, sorted as the running server sorts it (sortSchema), built
 * from the resolvers' decorators alone: no database, queue or server is needed.
 */
export async function buildGraphqlSdl(): Promise<string> {
  const context = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, {
    logger: false,
  });
  try {
    const schema = await context.get(GraphQLSchemaFactory).create(GRAPHQL_RESOLVERS);
    return `${printSchema(lexicographicSortSchema(schema))}\n`;
  } finally {
    await context.close();
  }
}
