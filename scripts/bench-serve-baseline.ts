/**
 * The bare-HTTP ceiling for `npm run bench:serve`: a Fastify route that takes the same body as
 * /v2 infer (JSON, or the binary tensor data extension as a raw buffer) and answers the same JSON
 * bytes, with no work in between. Started by bench-serve.ts as its own process (like the API).
 * argv: port, path of the response file. Prints "baseline listening" when ready.
 */
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

async function main(): Promise<void> {
  const [port, responseFile] = process.argv.slice(2);
  const answer = readFileSync(responseFile);
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: 16 * 1024 * 1024 },
    (_request, body, done) => done(null, body),
  );
  app.post('/infer', async (_request, reply) => {
    reply.header('content-type', 'application/json; charset=utf-8');
    return answer;
  });
  await app.listen({ host: '127.0.0.1', port: Number(port) });
  console.log('baseline listening');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
