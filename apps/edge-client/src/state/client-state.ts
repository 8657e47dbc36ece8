import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * What a client keeps on disk in its state directory (created 0700, files 0600):
 *   registration.json   who it is: platform URL, credential, group secret, model, device index,
 *                       pinned public key
 *   installed.json      the last good partition: labels, ETag, signature (+ statement), file name
 *   partition-<sha>.ddnnp the last good partition file itself
 * Every write goes to a temporary file renamed into place, and installed.json is written after
 * the partition file it names, so a crash never leaves a half-written partition in use.
 */
export const registrationSchema = z.object({
  platformUrl: z.string(),
  clientId: z.string(),
  name: z.string(),
  role: z.enum(['device', 'gateway']),
  modelName: z.string(),
  deviceIndex: z.number().int().nullable(),
  alias: z.string().nullable(),
  version: z.number().int().nullable(),
  credential: z.string(),
  /** The device group's link secret (base64url); registrations from before it lack it. */
  groupSecret: z.string().optional(),
  publicKeyPem: z.string(),
  keyId: z.string(),
  registeredAt: z.string(),
});
export type Registration = z.infer<typeof registrationSchema>;

export const installedSchema = z.object({
  modelName: z.string(),
  version: z.number().int(),
  tier: z.enum(['device', 'local']),
  deviceIndex: z.number().int().nullable(),
  etag: z.string(),
  signature: z.string(),
  /** Which statement the signature covers; installs by clients before statement v2 lack it. */
  signatureStatement: z.string().default('v1'),
  keyId: z.string(),
  /** Always a partition file inside the state directory, never a path elsewhere. */
  fileName: z
    .string()
    .regex(/^partition-[0-9a-f]{0,64}\.ddnnp$/, 'fileName must be partition-<sha256>.ddnnp'),
  sizeBytes: z.number().int(),
  installedAt: z.string(),
});
export type Installed = z.infer<typeof installedSchema>;

export class StateError extends Error {}

export class ClientState {
  constructor(readonly dir: string) {}

  private path(name: string): string {
    return join(this.dir, name);
  }

  private ensureDir(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  private writeAtomically(name: string, bytes: Uint8Array | string): void {
    this.ensureDir();
    const tmp = this.path(`.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, bytes, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path(name));
  }

  private readJson<T>(name: string, schema: z.ZodType<T>, what: string): T | null {
    const file = this.path(name);
    if (!existsSync(file)) return null;
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new StateError(`${file} (${what}) is not JSON: ${(error as Error).message}`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new StateError(`${file} (${what}) is damaged: ${parsed.error.issues[0].message}`);
    }
    return parsed.data;
  }

  /**
   * Creates the directory and proves a file can be written in it, before anything is spent
   * that cannot be had again (an enrollment token): a credential that cannot be saved is lost.
   */
  checkWritable(): void {
    try {
      this.writeAtomically('.write-check', '');
      rmSync(this.path('.write-check'), { force: true });
    } catch (error) {
      throw new StateError(
        `cannot write the state directory ${this.dir}: ${(error as Error).message} (choose another --state-dir / EDGE_STATE_DIR)`,
      );
    }
  }

  hasRegistration(): boolean {
    return existsSync(this.path('registration.json'));
  }

  registration(): Registration {
    const found = this.readJson('registration.json', registrationSchema, 'registration');
    if (!found) {
      throw new StateError(
        `no registration in ${this.dir}: run "edge-client register" first (or pass --state-dir)`,
      );
    }
    return found;
  }

  saveRegistration(registration: Registration): void {
    this.writeAtomically('registration.json', `${JSON.stringify(registration, null, 2)}\n`);
  }

  installed(): Installed | null {
    return this.readJson('installed.json', installedSchema, 'installed partition');
  }

  partitionBytes(installed: Installed): Uint8Array {
    const file = this.path(installed.fileName);
    if (!existsSync(file)) throw new StateError(`${file} (the installed partition) is missing`);
    return new Uint8Array(readFileSync(file));
  }

  /** Stores a verified partition, then points installed.json at it, then drops older files. */
  install(
    bytes: Uint8Array,
    meta: Omit<Installed, 'fileName' | 'installedAt' | 'sizeBytes'>,
  ): Installed {
    const fileName = `partition-${meta.etag.replace(/[^0-9a-f]/gi, '').slice(0, 64)}.ddnnp`;
    this.writeAtomically(fileName, bytes);
    const installed: Installed = {
      ...meta,
      fileName,
      sizeBytes: bytes.byteLength,
      installedAt: new Date().toISOString(),
    };
    this.writeAtomically('installed.json', `${JSON.stringify(installed, null, 2)}\n`);
    for (const name of readdirSync(this.dir)) {
      if (name.startsWith('partition-') && name !== fileName)
        rmSync(this.path(name), { force: true });
    }
    return installed;
  }
}
