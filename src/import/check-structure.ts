import { validateSync, type ValidatorOptions } from 'class-validator';
import { fieldProblems } from '../settings/field-problems.js';
import { settingsPatchProblems } from '../settings/settings-patch.js';
import { asRecord, SECTION_RECORDS, type RecordSection } from './document-schema.js';
import { addProblem, isPlainObject, type Problems } from './problems.js';

export const DOCUMENT_SECTIONS = [...(Object.keys(SECTION_RECORDS) as RecordSection[]), 'settings'] as const;

const VALIDATOR_OPTIONS: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

const NESTED_NOUNS: Array<[RegExp, string]> = [
  [/\.qualifications\[\d+\]$/, 'a learning aim'],
  [/\.reviews\[\d+\]$/, 'a review'],
  [/\.breaksInLearning\[\d+\]$/, 'a break in learning'],
  [/\.officerRoles\[\d+\]$/, 'an officer role'],
];

function unknownField(section: RecordSection) {
  return (property: string, recordPath: string) => {
    const noun = NESTED_NOUNS.find(([pattern]) => pattern.test(recordPath))?.[1] ?? SECTION_RECORDS[section].noun;
    return `"${property}" is not a field of ${noun}`;
  };
}

/**
 * The paths of the objects under `value` that carry an own `__proto__` key (JSON.parse
 * makes one from `"__proto__": …`). class-validator's whitelist looks keys up in a plain
 * object and so never sees this one; it is found here instead.
 */
function prototypeKeyHolders(value: unknown, path: string, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (typeof value[i] === 'object' && value[i] !== null) prototypeKeyHolders(value[i], `${path}[${i}]`, found);
    }
  } else if (isPlainObject(value)) {
    if (Object.hasOwn(value, '__proto__')) found.push(path);
    for (const key of Object.keys(value)) {
      const inner = value[key];
      if (key !== '__proto__' && typeof inner === 'object' && inner !== null) prototypeKeyHolders(inner, `${path}.${key}`, found);
    }
  }
  return found;
}

/**
 * Types, formats, codes, lengths and unknown properties of every record, each problem
 * under its path (`learners[3].qualifications[0].completionStatus`). Records are checked
 * one at a time so a document of 100,000 learners is never copied whole.
 */
export function checkStructure(document: unknown, problems: Problems): void {
  if (!isPlainObject(document)) {
    addProblem(problems, 'document', `must be a JSON object with any of the sections ${DOCUMENT_SECTIONS.join(', ')}`);
    return;
  }
  for (const key of Object.keys(document)) {
    if (!(DOCUMENT_SECTIONS as readonly string[]).includes(key)) {
      addProblem(problems, key, `is not a section of the import document (one of ${DOCUMENT_SECTIONS.join(', ')})`);
    }
  }
  for (const section of Object.keys(SECTION_RECORDS) as RecordSection[]) {
    const records = document[section];
    if (records === undefined) continue;
    if (!Array.isArray(records)) {
      addProblem(problems, section, 'must be an array');
      continue;
    }
    const schema: new () => object = SECTION_RECORDS[section].schema;
    const describeUnknown = unknownField(section);
    records.forEach((record: unknown, index) => {
      const path = `${section}[${index}]`;
      if (!isPlainObject(record)) {
        addProblem(problems, path, 'must be an object');
        return;
      }
      const errors = validateSync(asRecord(schema, record), VALIDATOR_OPTIONS);
      for (const [field, reason] of Object.entries(fieldProblems(errors, path, describeUnknown))) addProblem(problems, field, reason);
      for (const holder of prototypeKeyHolders(record, path)) addProblem(problems, `${holder}.__proto__`, describeUnknown('__proto__', holder));
    });
  }
  if (document.settings !== undefined) {
    for (const [field, reason] of Object.entries(settingsPatchProblems(document.settings))) {
      addProblem(problems, field === '' ? 'settings' : `settings.${field}`, reason);
    }
  }
}
