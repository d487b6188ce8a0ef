import { LessThan, MoreThan, type DataSource } from 'typeorm';
import { AdminSession, AdminUser } from '../../../entities/index.js';
import { newToken, tokenHash } from './tokens.js';

const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

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
    private readonly ttlMs = DEFAULT_SESSION_TTL_MS,
  ) {}

  async open(userId: number): Promise<IssuedSession> {
    const repository = this.db.getRepository(AdminSession);
    await repository.delete({ expiresAt: LessThan(new Date()) });
    const token = newToken();
    const session = repository.create({
      tokenHash: tokenHash(token),
      userId,
      csrfToken: newToken(),
      expiresAt: new Date(Date.now() + this.ttlMs),
    });
    await repository.insert(session);
    return { token, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  }

  async find(token: string): Promise<ActiveSession | undefined> {
    const session = await this.db.getRepository(AdminSession).findOne({
      where: { tokenHash: tokenHash(token), expiresAt: MoreThan(new Date()) },
      relations: { user: true },
    });
    if (!session?.user) return undefined;
    return { tokenHash: session.tokenHash, csrfToken: session.csrfToken, user: { id: session.user.id, username: session.user.username } };
  }

  async close(hash: string): Promise<void> {
    await this.db.getRepository(AdminSession).delete({ tokenHash: hash });
  }
}

export async function findAdminByUsername(db: DataSource, username: string): Promise<AdminUser | null> {
  return db.getRepository(AdminUser).findOneBy({ username });
}
