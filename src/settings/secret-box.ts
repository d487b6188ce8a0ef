import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { Config } from '../config/environment.js';
import { logger } from '../logging/logger.js';
import { projectRoot } from '../paths.js';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A stored secret that cannot be opened: another key sealed it, or the value is damaged. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/**
 * Seals the settings' secrets (Smart Assessor password, client key) with AES-256-GCM.
 * Each value gets its own random IV; the output names its format version so a later
 * key rotation or cipher change can still read what is stored today.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new SecretBoxError(`The settings encryption key must be ${KEY_BYTES} bytes, not ${key.length}`);
    this.#key = Buffer.from(key);
  }

  /** `v1:<iv>:<tag>:<ciphertext>`, each part base64. */
  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
  }

  decrypt(sealed: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new SecretBoxError(`A stored secret is not in the ${VERSION} format this version reads`);
    }
    const [, iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, 'base64'));
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError('A stored secret is damaged');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(
        'A stored secret cannot be decrypted: it was encrypted with another settings encryption key (SETTINGS_ENCRYPTION_KEY or SECRETS_DIR changed), or it is damaged',
      );
    }
  }
}

/** 32 bytes written as 64 hex digits or as base64; anything else is refused. */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return Buffer.from(trimmed, 'base64');
  throw new SecretBoxError('The settings encryption key must be 32 bytes written as 64 hex digits or as base64');
}

export function encryptionKeyPath(config: Pick<Config, 'SECRETS_DIR'>): string {
  const dir = isAbsolute(config.SECRETS_DIR) ? config.SECRETS_DIR : join(projectRoot, config.SECRETS_DIR);
  return join(dir, 'settings-encryption.key');
}

/**
 * The key comes from SETTINGS_ENCRYPTION_KEY; when that is unset, from a key file made
 * once in SECRETS_DIR. Several processes may start together on a fresh install, so the
 * file is written complete under a private name and then hard-linked into place: the
 * link either wins or fails with EEXIST, and a loser reads the winner's whole key,
 * never a half-written file.
 */
export async function loadSecretBox(config: Pick<Config, 'SETTINGS_ENCRYPTION_KEY' | 'SECRETS_DIR'>): Promise<SecretBox> {
  if (config.SETTINGS_ENCRYPTION_KEY) return new SecretBox(parseEncryptionKey(config.SETTINGS_ENCRYPTION_KEY));
  const path = encryptionKeyPath(config);
  const existing = await readKeyFile(path);
  if (existing) return new SecretBox(existing);

  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const draft = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(draft, randomBytes(KEY_BYTES).toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
  try {
    await link(draft, path);
    logger.warn('SETTINGS_ENCRYPTION_KEY is not set: generated a settings encryption key; keep this file (and back it up) or the stored Smart Assessor secrets cannot be read', {
      path,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(draft);
  }
  const key = await readKeyFile(path);
  if (!key) throw new SecretBoxError(`The settings encryption key file ${path} is empty`);
  return new SecretBox(key);
}

async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return parseEncryptionKey(text);
  } catch {
    throw new SecretBoxError(`The settings encryption key file ${path} does not hold 32 bytes as 64 hex digits or base64`);
  }
}
