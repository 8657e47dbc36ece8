import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestPlatform } from './support/test-platform';

const run = promisify(execFile);
const VALIDATOR = join(
  __dirname,
  '..',
  'node_modules/@seriousme/openapi-schema-validator/bin/validate-api-cli.js',
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * /docs/json is a valid OpenAPI document (checked by @seriousme/openapi-schema-validator, an
 * ESM command run in a child process), every operation declares success and error response
 * schemas, every security scheme it names is defined, and /metrics and /v2 are described.
 */
describe('OpenAPI document', () => {
  let platform: TestPlatform;
  let doc: Json;
  let dir: string;

  beforeAll(async () => {
    platform = await TestPlatform.start();
    const res = await platform.http('/docs/json');
    expect(res.status).toBe(200);
    doc = res.json;
    dir = mkdtempSync(join(tmpdir(), 'ddnn-openapi-'));
  }, 60_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await platform?.stop();
  });

  async function validate(document: Json): Promise<{ valid: boolean; errors?: unknown }> {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    try {
      const { stdout } = await run(process.execPath, [VALIDATOR, file]);
      return JSON.parse(stdout);
    } catch (error) {
      return JSON.parse((error as { stdout: string }).stdout);
    }
  }

  it('is valid OpenAPI (and the validator does reject an invalid one)', async () => {
    expect(doc.openapi).toMatch(/^3\.[01]\./);
    const result = await validate(doc);
    expect(result).toEqual({ valid: true });
    const broken = await validate({ ...doc, paths: { '/x': { get: { responses: 'none' } } } });
    expect(broken.valid).toBe(false);
  });

  it('declares success and error response schemas on every operation', () => {
    const missing: string[] = [];
    let operations = 0;
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        operations++;
        const codes = Object.keys(op.responses ?? {});
        const success = codes.find((c) => /^2/.test(c));
        const error = codes.find((c) => /^[45]/.test(c) || c === 'default');
        const hasSchema = (code?: string) => {
          const response = code && op.responses[code];
          if (!response) return false;
          if (code === '204') return true;
          return Object.values<Json>(response.content ?? {}).some((m) => m.schema);
        };
        if (!hasSchema(success)) missing.push(`${method.toUpperCase()} ${path}: success schema`);
        if (!hasSchema(error)) missing.push(`${method.toUpperCase()} ${path}: error schema`);
      }
    }
    expect(operations).toBeGreaterThan(25);
    expect(missing).toEqual([]);
  });

  it('defines every security scheme it names', () => {
    const defined = Object.keys(doc.components?.securitySchemes ?? {});
    const used = new Set<string>();
    for (const requirement of doc.security ?? [])
      Object.keys(requirement).forEach((k) => used.add(k));
    for (const item of Object.values<Json>(doc.paths))
      for (const method of METHODS)
        for (const requirement of item[method]?.security ?? [])
          Object.keys(requirement).forEach((k) => used.add(k));
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((name) => !defined.includes(name))).toEqual([]);
  });

  it('describes /metrics and the Open Inference Protocol under /v2', () => {
    expect(doc.paths['/metrics']?.get?.responses?.['200']?.content?.['text/plain']).toBeDefined();
    for (const path of [
      '/v2',
      '/v2/health/live',
      '/v2/health/ready',
      '/v2/models/{name}',
      '/v2/models/{name}/versions/{version}',
      '/v2/models/{name}/versions/{version}/infer',
    ])
      expect({ path, described: Boolean(doc.paths[path]) }).toEqual({ path, described: true });
    const infer = doc.paths['/v2/models/{name}/versions/{version}/infer'].post;
    expect(infer.responses['4XX'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/OipError',
    });
    expect(doc.components.schemas.OipError.properties.error).toEqual({ type: 'string' });
  });
});
