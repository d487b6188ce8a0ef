import { getMetadataStorage } from 'class-validator';

/**
 * class-validator works out which rules apply to an object anew for every object it
 * validates: it filters the rules of the object's class, walks every registered class for
 * inherited ones, and groups the result by property. The answer depends only on the class
 * and the options, so it is kept per class here until a rule is registered (a class
 * defined later), which starts afresh. Every Smart Assessor answer is validated, each of
 * its nested objects too; this is about a third of that work.
 */
export function cacheValidationRules(): void {
  const storage = getMetadataStorage() as ReturnType<typeof getMetadataStorage> & { [CACHED]?: true };
  if (storage[CACHED]) return;
  storage[CACHED] = true;

  type Rules = ReturnType<typeof storage.getTargetValidationMetadatas>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator keys its rules by the class, typed Function.
  let rules = new Map<Function | string, Map<string, Rules>>();
  let grouped = new WeakMap<Rules, ReturnType<typeof storage.groupByPropertyName>>();
  const forget = () => {
    rules = new Map();
    grouped = new WeakMap();
  };

  const targetRules = storage.getTargetValidationMetadatas.bind(storage);
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const options = `${schema}\n${always}\n${strictGroups}\n${groups?.join('\n') ?? ''}`;
    let ofTarget = rules.get(target);
    if (!ofTarget) rules.set(target, (ofTarget = new Map()));
    let found = ofTarget.get(options);
    if (!found) ofTarget.set(options, (found = targetRules(target, schema, always, strictGroups, groups)));
    return found;
  };

  const groupByProperty = storage.groupByPropertyName.bind(storage);
  storage.groupByPropertyName = (metadata) => {
    let found = grouped.get(metadata);
    if (!found) grouped.set(metadata, (found = groupByProperty(metadata)));
    return found;
  };

  for (const method of ['addValidationMetadata', 'addValidationSchema', 'addConstraintMetadata'] as const) {
    const register = (storage[method] as (...args: unknown[]) => void).bind(storage);
    (storage[method] as (...args: unknown[]) => void) = (...args: unknown[]) => {
      forget();
      register(...args);
    };
  }
}

const CACHED = Symbol.for('sai.validation-rules-cached');
