/**
 * Every GraphQL document the dashboard sends: written in operations.graphql, checked against the
 * API's schema and typed (result and variables) by `npm run generate:graphql`.
 */
export {
  AdminCheckDocument as ADMIN_CHECK,
  CancelDocument as CANCEL_TRAINING,
  CreateModelDocument as CREATE_MODEL,
  DatasetsDocument as DATASETS,
  EdgeClientsDocument as EDGE_CLIENTS,
  EnrollDocument as CREATE_ENROLLMENT_TOKEN,
  JobEpochsDocument as JOB_EPOCHS,
  JobsDocument as JOBS,
  ModelsDocument as MODELS,
  MoveAliasDocument as MOVE_ALIAS,
  RetryDocument as RETRY_TRAINING,
  RevokeDocument as REVOKE_EDGE_CLIENT,
  StartDocument as START_TRAINING,
  VersionDocument as VERSION,
  VersionsDocument as VERSIONS,
  VersionsOfDocument as VERSIONS_OF_MODEL,
} from './graphql.generated';
