import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Authentication of the device <-> gateway link: both ends hold the device group's secret (given
 * by the platform at registration, GET /edge/group-secret) and prove it without sending it.
 *
 *   gateway -> device  CHALLENGE  nonceG (32 random bytes, new for every connection)
 *   device -> gateway  HELLO      { ...fields, nonce: nonceD, proof: HMAC(secret, hello statement) }
 *   gateway -> device  WELCOME    HMAC(secret, welcome statement)
 *
 * The hello statement binds both nonces and every HELLO field, so a HELLO cannot be replayed on
 * another connection nor altered; the welcome statement proves the gateway to the device (an
 * impostor gateway learns no feature map). Both sides build the statements here.
 */
export const NONCE_BYTES = 32;
export const PROOF_BYTES = 32;
/** Shortest group secret accepted (the platform issues 32 bytes). */
const MIN_SECRET_BYTES = 16;

export interface HelloFields {
  deviceIndex: number;
  modelName: string;
  version: number;
  featureBytes: number;
  numClasses: number;
}

export function newNonce(): Buffer {
  return randomBytes(NONCE_BYTES);
}

/** The group secret as issued (base64url text) to key bytes; throws on a malformed one. */
export function groupSecretKey(text: string): Buffer {
  const key = Buffer.from(text, 'base64url');
  if (key.length < MIN_SECRET_BYTES || key.toString('base64url') !== text.replace(/=+$/, '')) {
    throw new Error('the group secret is not the base64url text the platform issued');
  }
  return key;
}

function mac(secret: Buffer, lines: (string | number)[]): Buffer {
  return createHmac('sha256', secret).update(lines.join('\n'), 'utf8').digest();
}

export function helloProof(
  secret: Buffer,
  gatewayNonce: Uint8Array,
  deviceNonce: Uint8Array,
  hello: HelloFields,
): Buffer {
  return mac(secret, [
    'ddnn-device-hello/v1',
    Buffer.from(gatewayNonce).toString('hex'),
    Buffer.from(deviceNonce).toString('hex'),
    hello.deviceIndex,
    hello.modelName,
    hello.version,
    hello.featureBytes,
    hello.numClasses,
  ]);
}

export function welcomeProof(
  secret: Buffer,
  gatewayNonce: Uint8Array,
  deviceNonce: Uint8Array,
  deviceIndex: number,
): Buffer {
  return mac(secret, [
    'ddnn-gateway-welcome/v1',
    Buffer.from(gatewayNonce).toString('hex'),
    Buffer.from(deviceNonce).toString('hex'),
    deviceIndex,
  ]);
}

/** Constant-time comparison of a received proof with the expected one. */
export function proofMatches(expected: Buffer, received: Uint8Array): boolean {
  return received.length === expected.length && timingSafeEqual(expected, received);
}
