/** Path → reason, e.g. `learners[3].dateOfBirth` → `must be a real date YYYY-MM-DD`. */
export type Problems = Record<string, string>;

/**
 * The first reason found for a path is kept: it is the one the later ones follow from.
 * Written as an own property so that a document key such as `__proto__` is reported,
 * not swallowed by the object's prototype.
 */
export function addProblem(problems: Problems, path: string, reason: string): void {
  if (!Object.hasOwn(problems, path)) Object.defineProperty(problems, path, { value: reason, enumerable: true, writable: true, configurable: true });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
