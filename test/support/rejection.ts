/**
 * The error `promise` is rejected with; fails the test when it resolves, or when the
 * error is not an `expected` (when given).
 */
export async function rejectionOf<E extends Error = Error>(promise: Promise<unknown>, expected?: abstract new (...args: never[]) => E): Promise<E> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  if (error === undefined) throw new Error('expected a rejection, but it resolved');
  if (expected && !(error instanceof expected)) throw new Error(`expected a ${expected.name}, got ${String(error)}`);
  return error as E;
}
