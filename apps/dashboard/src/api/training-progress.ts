import { createClient, type Client } from 'graphql-ws';
import { graphqlWebSocketUrl } from './graphql-endpoints';
import { TrainingProgressUpdatesDocument } from './graphql.generated';
import type { TrainingProgress } from './types';

let client: Client | undefined;

function wsClient(): Client {
  client ??= createClient({ url: graphqlWebSocketUrl(), lazy: true });
  return client;
}

/** Live progress of one job over graphql-ws (the API's graphql-transport-ws server); returns unsubscribe. */
export function subscribeTrainingProgress(
  jobId: string,
  onEvent: (event: TrainingProgress) => void,
  onError: (message: string) => void,
): () => void {
  return wsClient().subscribe<{ trainingProgress: TrainingProgress }>(
    { query: TrainingProgressUpdatesDocument.toString(), variables: { jobId } },
    {
      next: (result) => {
        if (result.data) onEvent(result.data.trainingProgress);
        if (result.errors?.length) onError(result.errors.map((e) => e.message).join('; '));
      },
      error: (error) =>
        onError(
          `live progress unavailable: ${error instanceof Error ? error.message : 'connection lost'}`,
        ),
      complete: () => undefined,
    },
  );
}
