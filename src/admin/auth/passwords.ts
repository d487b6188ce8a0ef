import bcrypt from 'bcryptjs';

/** bcrypt work factor in production; tests pass a lower one to stay fast. */
const DEFAULT_PASSWORD_ROUNDS = 12;

export function hashPassword(password: string, rounds = DEFAULT_PASSWORD_ROUNDS): Promise<string> {
  return bcrypt.hash(password, rounds);
}

let unknownUserHash: Promise<string> | undefined;

/**
 * Compares against a stored hash; with no hash (unknown username) it still does the work
 * of one comparison, so response time does not tell which usernames exist.
 */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  unknownUserHash ??= bcrypt.hash('no user has this password', DEFAULT_PASSWORD_ROUNDS);
  const matches = await bcrypt.compare(password, hash ?? (await unknownUserHash));
  return hash !== undefined && matches;
}
