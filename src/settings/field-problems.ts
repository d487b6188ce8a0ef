import type { ValidationError } from 'class-validator';

/**
 * When one of these fails, it is the whole story: a missing value or a value of the wrong
 * type also fails every later check (a number is not "at most 100 characters"), and
 * repeating those would bury the reason an admin can act on.
 */
const DECISIVE = ['isDefined', 'isString', 'isBoolean', 'isInt', 'isArray', 'isIn', 'nestedValidation'];

/** `learners` + `3` → `learners[3]`; `learners[3]` + `uln` → `learners[3].uln`. */
export function childPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent === '' ? property : `${parent}.${property}`;
}

/**
 * class-validator's error tree as path → reason, one reason per path. Unknown
 * properties (refused by `forbidNonWhitelisted`) are described by `unknownField`,
 * which is told the path of the record that holds them.
 */
export function fieldProblems(
  errors: readonly ValidationError[],
  parent: string,
  unknownField: (property: string, recordPath: string) => string,
  into: Record<string, string> = {},
): Record<string, string> {
  for (const error of errors) {
    const path = childPath(parent, error.property);
    const constraints = error.constraints ?? {};
    let reason: string | undefined;
    if (constraints.whitelistValidation) {
      reason = unknownField(error.property, parent);
    } else if (Object.keys(constraints).length > 0) {
      const decisive = DECISIVE.find((name) => constraints[name] !== undefined);
      reason = decisive ? constraints[decisive] : [...new Set(Object.values(constraints))].join('; ');
    }
    // An own property even for a key such as `__proto__`, so nothing a client sent is swallowed.
    if (reason !== undefined) Object.defineProperty(into, path, { value: reason, enumerable: true, writable: true, configurable: true });
    // Inside a value of the wrong type (an object where a list belongs) there is nothing more to say.
    const wrongType = DECISIVE.some((name) => constraints[name] !== undefined);
    if (error.children?.length && !wrongType) fieldProblems(error.children, path, unknownField, into);
  }
  return into;
}
