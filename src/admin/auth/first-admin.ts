import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AdminUser } from '../../../entities/index.js';
import { PasswordHasher } from './passwords.js';

export interface FirstAdminOptions {
  username?: string;
  password?: string;
  /** How the password is hashed (the product's scrypt cost by default; tests pass a cheap one). */
  passwords?: PasswordHasher;
  /** Where a generated password is shown, once. The console by default: never the log. */
  announce?: (text: string) => void;
}

export type FirstAdminOutcome = 'created-from-environment' | 'created-with-one-time-password' | 'unchanged';

export const GENERATED_ADMIN_USERNAME = 'admin';

/**
 * Makes sure someone can log in after the first start. ADMIN_USERNAME/ADMIN_PASSWORD
 * create that admin when it does not exist yet (an existing admin's password is never
 * overwritten from the environment). Without them, and with no admin at all, an "admin"
 * with a random password is created and the password printed once.
 */
export async function ensureFirstAdmin(db: DataSource, options: FirstAdminOptions = {}): Promise<FirstAdminOutcome> {
  const repository = db.getRepository(AdminUser);
  const passwords = options.passwords ?? new PasswordHasher();
  if (options.username && options.password) {
    if (await repository.existsBy({ username: options.username })) return 'unchanged';
    const created = await insertIfAbsent(db, options.username, await passwords.hash(options.password));
    return created ? 'created-from-environment' : 'unchanged';
  }
  if ((await repository.count()) > 0) return 'unchanged';
  const password = randomBytes(18).toString('base64url');
  const created = await insertIfAbsent(db, GENERATED_ADMIN_USERNAME, await passwords.hash(password));
  if (!created) return 'unchanged';
  const announce = options.announce ?? ((text: string) => process.stdout.write(text + '\n'));
  announce(
    `No admin existed, so one was created. Log in as "${GENERATED_ADMIN_USERNAME}" with this one-time password: ${password}\n` +
      'It is shown only now. Set ADMIN_USERNAME and ADMIN_PASSWORD to choose your own admin instead.',
  );
  return 'created-with-one-time-password';
}

/** Two processes starting together may race here; the loser simply finds the admin there. */
async function insertIfAbsent(db: DataSource, username: string, passwordHash: string): Promise<boolean> {
  const result = await db.createQueryBuilder().insert().into(AdminUser).values({ username, passwordHash }).orIgnore().execute();
  return (result.raw as unknown[]).length > 0;
}
