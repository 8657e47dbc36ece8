/** Every GraphQL document the dashboard sends, in one place. */
const JOB_FIELDS = `id status totalEpochs currentEpoch progress error params createdAt startedAt finishedAt
  model { name } dataset { name }`;

export const JOBS = `query Jobs { trainingJobs(first: 30) { nodes { ${JOB_FIELDS} } } }`;

export const JOB_EPOCHS = `query JobEpochs($id: ID!) {
  trainingJob(id: $id) { ${JOB_FIELDS} epochs { epoch losses accuracies elapsedMs etaMs } }
}`;

export const START_TRAINING = `mutation Start($input: StartTrainingInput!) { startTraining(input: $input) { id } }`;
export const CANCEL_TRAINING = `mutation Cancel($id: ID!) { cancelTraining(id: $id) { id status } }`;
export const RETRY_TRAINING = `mutation Retry($id: ID!) { retryTraining(id: $id) { id status } }`;

export const MODELS = `query Models { models { id name lastVersion config aliases { name versionId } } }`;
export const CREATE_MODEL = `mutation CreateModel($input: CreateModelInput!) { createModel(input: $input) { id name } }`;

export const DATASETS = `query Datasets { datasets {
  id name format status viewCount viewNames classNames viewShape trainSize testSize sizeBytes createdAt
} }`;

const VERSION_FIELDS = `id version status threshold createdAt trainingJobId model { name } aliases { name }`;

export const VERSIONS = `query Versions { modelVersions(first: 50) { nodes { ${VERSION_FIELDS} } totalCount } }`;

export const VERSION = `query Version($id: String!) { modelVersion(id: $id) {
  ${VERSION_FIELDS} metrics partitions { id tier deviceIndex sizeBytes sha256 }
} }`;

export const MOVE_ALIAS = `mutation MoveAlias($modelName: String!, $alias: String!, $version: Int!) {
  moveAlias(modelName: $modelName, alias: $alias, version: $version) { name versionId }
}`;

export const EDGE_CLIENTS = `query EdgeClients { edgeClients {
  id name role status modelName deviceIndex alias pinnedVersion installedVersion lastSeenAt counters createdAt revokedAt
} }`;

export const CREATE_ENROLLMENT_TOKEN = `mutation Enroll($input: CreateEnrollmentTokenInput) {
  createEnrollmentToken(input: $input) { id token description expiresAt }
}`;

export const REVOKE_EDGE_CLIENT = `mutation Revoke($id: ID!) { revokeEdgeClient(id: $id) { id status } }`;

export const VERSIONS_OF_MODEL = `query VersionsOf($modelName: String!) {
  modelVersions(filter: { modelName: $modelName }, first: 100) { nodes { id version trainingJobId } }
}`;
