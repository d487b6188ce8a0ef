import { MoreThan, type DataSource } from 'typeorm';
import { AdminSession, AdminUser } from '../../../entities/index.js';
import { newToken, tokenHash } from './tokens.js';

/** How long a log-in lasts: `maxMs` from logging in at most, and `idleMs` after the admin's last request. */
export interface SessionLifetime {
  maxMs: number;
  idleMs: number;
}

export const DEFAULT_SESSION_LIFETIME: SessionLifetime = { maxMs: 12 * 60 * 60 * 1000, idleMs: 30 * 60 * 1000 };

/** A session's last request is written at most this often (one UPDATE a minute, not one per request); the idle limit is that precise. */
const LAST_SEEN_GRANULARITY_MS = 60 * 1000;

export interface IssuedSession {
  /** Goes in the cookie only; the database holds its hash. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface ActiveSession {
  tokenHash: string;
  csrfToken: string;
  user: { id: number; username: string };
}

/** Admin log-ins, kept in admin_session under the SHA-256 of their cookie token. */
export class SessionStore {
  constructor(
    private readonly db: DataSource,
    private readonly lifetime: SessionLifetime = DEFAULT_SESSION_LIFETIME,
  ) {}

  async open(userId: number): Promise<IssuedSession> {
    const repository = this.db.getRepository(AdminSession);
    await repository.createQueryBuilder().delete().where('expires_at < now() OR last_seen_at < :idleSince', { idleSince: this.idleSince() }).execute();
    const token = newToken();
    const now = new Date();
    const session = repository.create({
      tokenHash: tokenHash(token),
      userId,
      csrfToken: newToken(),
      expiresAt: new Date(now.getTime() + this.lifetime.maxMs),
      lastSeenAt: now,
    });
    await repository.insert(session);
    return { token, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  }

  /** The session of this token if it has neither expired nor been idle too long; using it counts as activity. */
  async find(token: string): Promise<ActiveSession | undefined> {
    const repository = this.db.getRepository(AdminSession);
    const session = await repository.findOne({
      where: { tokenHash: tokenHash(token), expiresAt: MoreThan(new Date()), lastSeenAt: MoreThan(this.idleSince()) },
      relations: { user: true },
    });
    if (!session?.user) return undefined;
    if (Date.now() - session.lastSeenAt.getTime() >= Math.min(LAST_SEEN_GRANULARITY_MS, this.lifetime.idleMs / 2)) {
      await repository.update({ tokenHash: session.tokenHash }, { lastSeenAt: new Date() });
    }
    return { tokenHash: session.tokenHash, csrfToken: session.csrfToken, user: { id: session.user.id, username: session.user.username } };
  }

  async close(hash: string): Promise<void> {
    await this.db.getRepository(AdminSession).delete({ tokenHash: hash });
  }

  private idleSince(): Date {
    return new Date(Date.now() - this.lifetime.idleMs);
  }
}

export async function findAdminByUsername(db: DataSource, username: string): Promise<AdminUser | null> {
  return db.getRepository(AdminUser).findOneBy({ username });
}

/** After a log-in whose stored hash is of an older scheme or cost: the same password, hashed as now. */
export async function saveAdminPasswordHash(db: DataSource, userId: number, passwordHash: string): Promise<void> {
  await db.getRepository(AdminUser).update({ id: userId }, { passwordHash });
}
