import '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DomainError, ErrorCode } from '../common/domain-error';

export interface ReceivedUpload {
  fields: Record<string, string>;
  fileName: string;
  path: string;
  /** Deletes the temporary file. */
  cleanup(): Promise<void>;
}

/**
 * Streams a multipart upload's single `file` part to a temporary file (never into memory);
 * @fastify/multipart enforces UPLOAD_MAX_BYTES while streaming. Other parts are text fields.
 */
export async function receiveUpload(request: FastifyRequest): Promise<ReceivedUpload> {
  if (!request.isMultipart()) {
    throw new DomainError(
      ErrorCode.ValidationFailed,
      'expected a multipart/form-data body with a "file" part and a "name" field',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'ddnn-upload-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const fields: Record<string, string> = {};
    let fileName: string | undefined;
    const path = join(dir, 'upload');
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || fileName !== undefined) {
          part.file.resume();
          throw new DomainError(
            ErrorCode.ValidationFailed,
            `unexpected file part "${part.fieldname}": send exactly one file, in the part named "file"`,
          );
        }
        fileName = part.filename;
        await pipeline(part.file, createWriteStream(path));
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
    if (fileName === undefined) {
      throw new DomainError(ErrorCode.ValidationFailed, 'the upload has no "file" part');
    }
    return { fields, fileName, path, cleanup };
  } catch (error) {
    await cleanup();
    throw truncatedBodyError(error) ?? error;
  }
}

/**
 * busboy's "Unexpected end of form/multipart data" (the body ended before its closing boundary:
 * a truncated upload) carries no status; it is the client's, a 400 that says so. Limit errors
 * (413) and our own DomainErrors pass as they are.
 */
function truncatedBodyError(error: unknown): DomainError | undefined {
  if (error instanceof DomainError || !(error instanceof Error)) return undefined;
  if ((error as { statusCode?: unknown }).statusCode !== undefined) return undefined;
  if (!/unexpected end of (form|multipart)/i.test(error.message)) return undefined;
  return new DomainError(
    ErrorCode.ValidationFailed,
    `the multipart body ended before its closing boundary (a truncated upload?): ${error.message}`,
  );
}
