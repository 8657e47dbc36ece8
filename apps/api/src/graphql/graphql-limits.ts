import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { PlatformConfig } from '@ddnn/contracts';
import { ErrorCode } from '../common/domain-error';
import {
  GraphQLError,
  GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  parse,
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
 * Mercurius validates queries and mutations with the rules above but runs a WebSocket
 * subscription's document without them: this preSubscriptionParsing hook applies the same
 * bounds (tokens, depth, aliases, cost) before the subscription starts.
 */
export function subscriptionLimitsHook(config: LimitsConfig) {
  const rules = graphqlLimitRules(config);
  return async (schema: GraphQLSchema, source: string): Promise<void> => {
    const document = parse(source, graphqlParseOptions(config));
    const errors = validate(schema, document, rules);
    if (errors.length > 0) throw errors[0];
  };
}
