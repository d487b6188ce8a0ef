import type { RequestHandler, Router } from 'express';
import { ValidationFailedError } from '../../failure-kinds.js';
import { childPath } from '../../settings/field-problems.js';

/**
 * Objects and arrays a JSON body may nest: an import document, the deepest body the API
 * takes, nests five. A deeper body is refused before any validator recurses into it
 * (JSON.parse itself takes a million levels; the validators would exhaust the stack).
 */
export const MAX_JSON_DEPTH = 20;

const NUL = '\u0000';
/** PostgreSQL text cannot hold it: refused with the field's name rather than failing as a 500 in the database. */
const NO_NUL = 'must not contain a NUL character (\\u0000)';

function refused(path: string, reason: string): ValidationFailedError {
  return new ValidationFailedError(`Invalid ${path}`, { [path]: reason });
}

/**
 * The first place a JSON body breaks the rules above, named by its path as the import
 * names fields (`learners[3].notes`); the whole body when it is too deep. Walked once,
 * depth first, building a path only for what it reports.
 */
export function jsonBodyProblem(body: unknown): ValidationFailedError | undefined {
  // Keys of the value being looked at, outermost first; indexes stay numbers until a path is reported.
  const keys: Array<string | number> = [];
  const pathHere = () => keys.reduce<string>((path, key) => childPath(path, String(key)), '');
  const walk = (value: unknown, depth: number): ValidationFailedError | undefined => {
    if (typeof value === 'string') return value.includes(NUL) ? refused(pathHere(), NO_NUL) : undefined;
    if (value === null || typeof value !== 'object') return undefined;
    if (depth > MAX_JSON_DEPTH) return refused('body', `is nested deeper than ${MAX_JSON_DEPTH} levels of objects and arrays`);
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index += 1) {
        keys.push(index);
        const problem = walk(value[index], depth + 1);
        keys.pop();
        if (problem) return problem;
      }
      return undefined;
    }
    for (const key in value) {
      keys.push(key);
      const problem = key.includes(NUL) ? refused(pathHere(), NO_NUL) : walk((value as Record<string, unknown>)[key], depth + 1);
      keys.pop();
      if (problem) return problem;
    }
    return undefined;
  };
  return walk(body, 1);
}

/** After a JSON body parser: the body's depth and text, checked as `jsonBodyProblem` says. */
export const checkJsonBody: RequestHandler = (req, _res, next) => {
  const problem = jsonBodyProblem(req.body);
  if (problem) throw problem;
  next();
};

/** Query parameters holding a NUL character, refused by name (e.g. `search`). */
export const checkQueryText: RequestHandler = (req, _res, next) => {
  for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
    if ([value].flat().some((item) => typeof item === 'string' && item.includes(NUL))) throw refused(name, NO_NUL);
  }
  next();
};

/** Route parameters (the MIS's keys: `ident`, `ref`, `runId`) holding a NUL character, refused by name. */
export function checkParamText(router: Router, ...names: string[]): void {
  for (const name of names) {
    router.param(name, (_req, _res, next, value: string) => {
      if (value.includes(NUL)) throw refused(name, NO_NUL);
      next();
    });
  }
}
