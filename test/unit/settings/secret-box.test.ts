import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { logger } from '../../../src/logging/logger.js';
import { encryptionKeyPath, loadSecretBox, parseEncryptionKey, SecretBox, SecretBoxError } from '../../../src/settings/secret-box.js';

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('SecretBox', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and seals the same text differently each time', () => {
    const box = new SecretBox(key);
    const first = box.encrypt('pa55word!');
    const second = box.encrypt('pa55word!');
    expect(first).to.match(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(first).not.to.equal(second);
    expect(first).not.to.contain('pa55word');
    expect(box.decrypt(first)).to.equal('pa55word!');
    expect(box.decrypt(second)).to.equal('pa55word!');
    expect(box.decrypt(box.encrypt(''))).to.equal('');
  });

  it('refuses, with a clear error, to open a value sealed under another key', () => {
    const sealed = new SecretBox(key).encrypt('client-key-123');
    const error = thrown(() => new SecretBox(randomBytes(32)).decrypt(sealed));
    expect(error).to.be.instanceOf(SecretBoxError);
    expect(error.message).to.contain('another settings encryption key');
    expect(error.message).not.to.contain('client-key-123');
  });

  it('refuses a tampered or foreign value', () => {
    const box = new SecretBox(key);
    const [version, iv, tag, ciphertext] = box.encrypt('secret').split(':');
    const flipped = Buffer.from(ciphertext, 'base64');
    flipped[0] ^= 1;
    expect(thrown(() => box.decrypt([version, iv, tag, flipped.toString('base64')].join(':')))).to.be.instanceOf(SecretBoxError);
    expect(thrown(() => box.decrypt('plain text')).message).to.contain('v1 format');
    expect(thrown(() => box.decrypt(`v1:${iv}:AAAA:${ciphertext}`)).message).to.contain('damaged');
  });

  it('needs a 32-byte key', () => {
    expect(thrown(() => new SecretBox(randomBytes(16))).message).to.contain('32 bytes');
  });

  it('reads a key written as hex or base64, and nothing else', () => {
    expect(parseEncryptionKey(key.toString('hex')).equals(key)).to.equal(true);
    expect(parseEncryptionKey(key.toString('base64')).equals(key)).to.equal(true);
    expect(thrown(() => parseEncryptionKey('abc')).message).to.contain('64 hex digits or as base64');
  });
});

describe('loadSecretBox', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sai-secrets-'));
  });
  afterEach(async () => {
    sinon.restore();
    await rm(dir, { recursive: true, force: true });
  });

  it('uses SETTINGS_ENCRYPTION_KEY when it is set, and writes no key file', async () => {
    const key = randomBytes(32);
    const box = await loadSecretBox({ SETTINGS_ENCRYPTION_KEY: key.toString('base64'), SECRETS_DIR: dir });
    expect(new SecretBox(key).decrypt(box.encrypt('x'))).to.equal('x');
    const missing = await stat(encryptionKeyPath({ SECRETS_DIR: dir })).catch((error: NodeJS.ErrnoException) => error.code);
    expect(missing).to.equal('ENOENT');
  });

  it('generates one key, private to its owner, once, even when processes start together, and warns without the key', async () => {
    const warn = sinon.stub(logger, 'warn');
    const secretsDir = join(dir, 'nested');
    const boxes = await Promise.all(Array.from({ length: 6 }, () => loadSecretBox({ SECRETS_DIR: secretsDir })));
    const sealed = boxes[0].encrypt('shared');
    for (const box of boxes) expect(box.decrypt(sealed)).to.equal('shared');

    const path = encryptionKeyPath({ SECRETS_DIR: secretsDir });
    const text = await readFile(path, 'utf8');
    expect(text.trim()).to.match(/^[0-9a-f]{64}$/);
    expect((await stat(path)).mode & 0o777).to.equal(0o600);
    expect(warn.callCount).to.equal(1);
    expect(JSON.stringify(warn.firstCall.args)).not.to.contain(text.trim());

    const later = await loadSecretBox({ SECRETS_DIR: secretsDir });
    expect(later.decrypt(sealed)).to.equal('shared');
    expect(warn.callCount).to.equal(1);
  });

  it('refuses a key file that does not hold a key', async () => {
    await writeFile(encryptionKeyPath({ SECRETS_DIR: dir }), 'not a key\n');
    const error = await loadSecretBox({ SECRETS_DIR: dir }).catch((caught: Error) => caught);
    expect(error).to.be.instanceOf(SecretBoxError);
    expect((error as Error).message).to.contain('does not hold 32 bytes');
  });
});
