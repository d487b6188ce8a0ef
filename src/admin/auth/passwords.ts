import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/**
 * scrypt's cost. N = 2^logN, block size r, parallelism p; memory is 128·N·r bytes. The
 * default is one of OWASP's equivalent scrypt settings (N=2^14, r=8, p=5: 16 MiB, about
 * half a second here); tests pass a cheap one.
 */
export interface PasswordCost {
  logN: number;
  r: number;
  p: number;
}

export const DEFAULT_PASSWORD_COST: PasswordCost = { logN: 14, r: 8, p: 5 };

/** Checks at once in one process; each holds one of libuv's four threads while it runs. */
export const DEFAULT_PASSWORD_CHECKS_AT_ONCE = 2;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** PHC-style: `$scrypt$ln=14,r=8,p=5$<salt>$<key>`, base64 without padding (under 100 characters, the column's size). */
const SCRYPT_HASH = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$/;

export interface PasswordCheck {
  matches: boolean;
  /** The stored hash is bcrypt, or scrypt at another cost: store `hash(password)` instead. */
  needsRehash: boolean;
}

/** All of this process's password checks are already running: the caller answers 429. */
export class PasswordChecksBusyError extends Error {
  constructor() {
    super('Too many log-ins are being checked at once');
    this.name = 'PasswordChecksBusyError';
  }
}

function derive(password: string, salt: Buffer, cost: PasswordCost): Promise<Buffer> {
  const N = 2 ** cost.logN;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { N, r: cost.r, p: cost.p, maxmem: 2 * 128 * N * cost.r }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const base64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/**
 * Hashes with scrypt from node:crypto, which runs on libuv's thread pool, never on the
 * event loop that also serves /healthz and runs the workers under `sai start`. Hashes made
 * before (bcryptjs, pure JavaScript) are still accepted: they are checked in a worker
 * thread and replaced on the admin's next successful log-in. At most `checksAtOnce`
 * hashes are computed at a time; `exclusive` refuses work beyond that at once.
 */
export class PasswordHasher {
  private running = 0;

  constructor(
    private readonly cost: PasswordCost = DEFAULT_PASSWORD_COST,
    private readonly checksAtOnce = DEFAULT_PASSWORD_CHECKS_AT_ONCE,
  ) {}

  /** Runs `work` (which checks or hashes a password) if a slot is free; else throws PasswordChecksBusyError without waiting. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.checksAtOnce) throw new PasswordChecksBusyError();
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
    }
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, this.cost);
    const { logN, r, p } = this.cost;
    return `$scrypt$ln=${logN},r=${r},p=${p}$${base64(salt)}$${base64(key)}`;
  }

  /**
   * Compares against a stored hash. With none (an unknown username) it still does the
   * work of one check, so the answer's timing does not tell which usernames exist.
   */
  async verify(password: string, stored: string | undefined): Promise<PasswordCheck> {
    const scryptHash = stored === undefined ? undefined : SCRYPT_HASH.exec(stored);
    if (scryptHash) {
      const [, logN, r, p, salt, key] = scryptHash;
      const cost = { logN: Number(logN), r: Number(r), p: Number(p) };
      const expected = Buffer.from(key!, 'base64');
      const derived = await derive(password, Buffer.from(salt!, 'base64'), cost);
      const matches = derived.length === expected.length && timingSafeEqual(derived, expected);
      return { matches, needsRehash: cost.logN !== this.cost.logN || cost.r !== this.cost.r || cost.p !== this.cost.p };
    }
    if (stored !== undefined && BCRYPT_HASH.test(stored)) return { matches: await bcryptInWorker(password, stored), needsRehash: true };
    await derive(password, randomBytes(SALT_BYTES), this.cost);
    return { matches: false, needsRehash: false };
  }
}

/** bcryptjs is pure JavaScript: a comparison runs in a thread of its own, for as long as hashes from before scrypt remain. */
function bcryptInWorker(password: string, hash: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./bcrypt-compare.js', import.meta.url), { workerData: { password, hash } });
    worker.once('message', (matches: boolean) => resolve(matches));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the bcrypt comparison stopped with exit code ${code}`));
    });
  });
}
