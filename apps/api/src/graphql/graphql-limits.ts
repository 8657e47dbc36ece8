import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { PlatformConfig } from '@ddnn/contracts';
import { ErrorCode } from '../common/domain-error';
import {
  type DocumentNode,
  GraphQLError,
  GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

type LimitsConfig = Pick<
  PlatformConfig,
  | 'GRAPHQL_MAX_DEPTH'
  | 'GRAPHQL_MAX_ALIASES'
  | 'GRAPHQL_MAX_COST'
  | 'GRAPHQL_MAX_TOKENS'
  | 'GRAPHQL_INTROSPECTION'
>;

/** Validations that already reported a limit: one refusal per request is enough. */
const refused = new WeakSet<ValidationContext>();

/**
 * graphql-armor reports "Syntax Error: Aliases limit of 30 exceeded, found 3000."; say instead
 * that it is a limit, which variable sets it, and carry a code a client can switch on. Only the
 * first limit exceeded is reported, so the answer is always one error (Mercurius answers 400
 * for one validation error; several would make it 200).
 */
function reportAs(variable: string) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    if (!context || refused.has(context)) return;
    refused.add(context);
    const detail = error.message.replace(/^Syntax Error:\s*/, '');
    context.reportError(
      new GraphQLError(`query refused: ${detail} (limit set by ${variable})`, {
        extensions: { code: ErrorCode.QueryLimitExceeded, limit: variable },
      }),
    );
  };
}

/**
 * Validation rules that bound the work of one GraphQL operation: depth, aliases (3,000 aliases
 * of a list field once made a 190 MB answer) and an estimated cost; and, unless enabled,
 * introspection. They run during validation, before any resolver.
 */
export function graphqlLimitRules(config: LimitsConfig): ValidationRule[] {
  const shared = { propagateOnRejection: false, exposeLimits: true };
  const rules: ValidationRule[] = [
    maxDepthRule({
      ...shared,
      n: config.GRAPHQL_MAX_DEPTH,
      onReject: [reportAs('GRAPHQL_MAX_DEPTH')],
    }),
    maxAliasesRule({
      ...shared,
      n: config.GRAPHQL_MAX_ALIASES,
      onReject: [reportAs('GRAPHQL_MAX_ALIASES')],
    }),
    costLimitRule({
      ...shared,
      maxCost: config.GRAPHQL_MAX_COST,
      onReject: [reportAs('GRAPHQL_MAX_COST')],
    }),
  ];
  if (!config.GRAPHQL_INTROSPECTION) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/** graphql-js parse options: the token bound stops a huge document before it is even parsed. */
export function graphqlParseOptions(config: LimitsConfig): { maxTokens: number } {
  return { maxTokens: config.GRAPHQL_MAX_TOKENS };
}

/**
 * A WebSocket operation's document, parsed and validated with graphql-js' rules and the bounds
 * above (tokens, depth, aliases, cost), as Mercurius does for HTTP: the document, or the errors
 * to send back (a syntax error, the first limit exceeded, invalid fields).
 */
export function parseAndValidate(
  schema: GraphQLSchema,
  source: string,
  config: LimitsConfig,
  rules: ValidationRule[] = graphqlLimitRules(config),
): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(source, graphqlParseOptions(config));
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    throw error;
  }
  const errors = validate(schema, document, [...specifiedRules, ...rules]);
  return errors.length > 0 ? { errors } : { document };
}
