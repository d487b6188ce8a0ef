import { sessionKey, type DatabaseKnowledge } from './database-knowledge.js';
import { date, entries, text, type PlainRecord } from './document-walk.js';
import { addProblem, isPlainObject, type Problems } from './problems.js';

/** The first place each key appears; a later appearance is reported with the record that has it first. */
class KeyIndex {
  readonly #first = new Map<string, string>();

  constructor(
    private readonly problems: Problems,
    private readonly describe: (key: string, firstRecord: string) => string,
  ) {}

  /** Records `key` at `path`; false (and a problem at `path`) when it was already taken. */
  claim(key: string | undefined, path: string): boolean {
    if (key === undefined) return true;
    const first = this.#first.get(key);
    if (first === undefined) {
      this.#first.set(key, path);
      return true;
    }
    addProblem(this.problems, path, this.describe(key, first.slice(0, first.lastIndexOf('.'))));
    return false;
  }

  has(key: string): boolean {
    return this.#first.has(key);
  }
}

function sectionKeys(document: PlainRecord, section: string, field: string, problems: Problems): KeyIndex {
  const index = new KeyIndex(problems, (key, first) => `duplicate: "${key}" is also the ${field} of ${first}`);
  for (const [i, record] of entries(document, section)) index.claim(text(record, field), `${section}[${i}].${field}`);
  return index;
}

/** An external id (Smart Assessor's) may belong to one record only, in the document and in the database. */
function checkExternalIds(
  document: PlainRecord,
  problems: Problems,
  spec: { section: string; key: string; field: string; label: string; noun: string; owners: Map<string, string> },
): void {
  const seen = new KeyIndex(problems, (value, first) => `duplicate: "${value}" is also the ${spec.label} of ${first}`);
  for (const [i, record] of entries(document, spec.section)) {
    const value = text(record, spec.field);
    const path = `${spec.section}[${i}].${spec.field}`;
    if (value === undefined || !seen.claim(value, path)) continue;
    const owner = spec.owners.get(value);
    const key = text(record, spec.key);
    if (owner !== undefined && key !== undefined && owner !== key) {
      addProblem(problems, path, `"${value}" is already the ${spec.label} of ${spec.noun} "${owner}" in the database`);
    }
  }
}

/**
 * The checks that span records: duplicate keys, references to records that exist
 * neither in the document nor in the database, keys that the database gives to another
 * learner, date order, and the review types the settings map to.
 */
export function checkReferences(document: PlainRecord, known: DatabaseKnowledge, problems: Problems): void {
  const reviewTypes = sectionKeys(document, 'reviewTypes', 'code', problems);
  const qualifications = sectionKeys(document, 'qualifications', 'reference', problems);
  const organisations = sectionKeys(document, 'organisations', 'ref', problems);
  const officers = sectionKeys(document, 'officers', 'ref', problems);
  sectionKeys(document, 'learners', 'learnerIdent', problems);

  checkExternalIds(document, problems, {
    section: 'organisations',
    key: 'ref',
    field: 'additionalId',
    label: 'Additional ID',
    noun: 'organisation',
    owners: known.organisationAdditionalIds,
  });
  checkExternalIds(document, problems, {
    section: 'officers',
    key: 'ref',
    field: 'additionalId',
    label: 'Additional ID',
    noun: 'officer',
    owners: known.officerAdditionalIds,
  });
  checkExternalIds(document, problems, {
    section: 'learners',
    key: 'learnerIdent',
    field: 'smartAssessorId',
    label: 'Smart Assessor ID',
    noun: 'learner',
    owners: known.learnerSmartAssessorIds,
  });

  const exists = {
    organisation: (ref: string) => organisations.has(ref) || known.organisationIds.has(ref),
    officer: (ref: string) => officers.has(ref) || known.officerIds.has(ref),
    qualification: (reference: string) => qualifications.has(reference) || known.qualificationIds.has(reference),
    reviewType: (code: string) => reviewTypes.has(code) || known.reviewTypeIds.has(code),
  };
  const refer = (record: PlainRecord, field: string, path: string, noun: keyof typeof exists) => {
    const ref = text(record, field);
    if (ref !== undefined && !exists[noun](ref)) {
      addProblem(problems, `${path}.${field}`, `no ${noun === 'reviewType' ? 'review type' : noun} "${ref}" in the document or the database`);
    }
  };

  // Aim and review keys are unique across all learners, so every learner's are known before any restartOf is judged.
  const aimOwnersInDocument = new Map<string, string | undefined>();
  const aims = new KeyIndex(problems, (key, first) => `duplicate: "${key}" is also the aimRef of ${first}`);
  const reviews = new KeyIndex(problems, (key, first) => `duplicate: "${key}" is also the reviewIdent of ${first}`);
  for (const [i, learner] of entries(document, 'learners')) {
    for (const [j, aim] of entries(learner, 'qualifications')) {
      const aimRef = text(aim, 'aimRef');
      if (aims.claim(aimRef, `learners[${i}].qualifications[${j}].aimRef`) && aimRef !== undefined) {
        aimOwnersInDocument.set(aimRef, text(learner, 'learnerIdent'));
      }
    }
    for (const [j, review] of entries(learner, 'reviews')) reviews.claim(text(review, 'reviewIdent'), `learners[${i}].reviews[${j}].reviewIdent`);
  }

  for (const [i, learner] of entries(document, 'learners')) {
    const path = `learners[${i}]`;
    const ident = text(learner, 'learnerIdent');
    refer(learner, 'placementOrganisationRef', path, 'organisation');
    refer(learner, 'mainOfficerRef', path, 'officer');

    const roles = new KeyIndex(problems, (role, first) => `duplicate: the role "${role}" is already given by ${first}`);
    for (const [j, role] of entries(learner, 'officerRoles')) {
      roles.claim(text(role, 'role'), `${path}.officerRoles[${j}].role`);
      refer(role, 'officerRef', `${path}.officerRoles[${j}]`, 'officer');
    }

    for (const [j, aim] of entries(learner, 'qualifications')) {
      const aimPath = `${path}.qualifications[${j}]`;
      const aimRef = text(aim, 'aimRef');
      refer(aim, 'reference', aimPath, 'qualification');
      const owner = aimRef === undefined ? undefined : known.aimOwners.get(aimRef);
      if (ident !== undefined && owner !== undefined && owner !== ident) {
        addProblem(problems, `${aimPath}.aimRef`, `aim "${aimRef}" belongs to learner "${owner}" in the database`);
      }
      const start = date(aim, 'startDate');
      const plannedEnd = date(aim, 'plannedEndDate');
      const actualEnd = date(aim, 'actualEndDate');
      if (start !== undefined && plannedEnd !== undefined && plannedEnd < start) {
        addProblem(problems, `${aimPath}.plannedEndDate`, `must not be before startDate (${start})`);
      }
      if (start !== undefined && actualEnd !== undefined && actualEnd < start) {
        addProblem(problems, `${aimPath}.actualEndDate`, `must not be before startDate (${start})`);
      }
      const restartOf = text(aim, 'restartOf');
      if (restartOf === undefined || ident === undefined) continue;
      if (restartOf === aimRef) {
        addProblem(problems, `${aimPath}.restartOf`, 'an aim cannot restart itself');
        continue;
      }
      const inDocument = aimOwnersInDocument.has(restartOf);
      const restartOwner = inDocument ? aimOwnersInDocument.get(restartOf) : known.aimOwners.get(restartOf);
      if (!inDocument && restartOwner === undefined) {
        addProblem(problems, `${aimPath}.restartOf`, `no aim "${restartOf}" of this learner in the document or the database`);
      } else if (restartOwner !== ident) {
        addProblem(problems, `${aimPath}.restartOf`, `aim "${restartOf}" belongs to learner "${restartOwner ?? '?'}", not to this learner`);
      }
    }

    const sessions = new KeyIndex(problems, (id, first) => `duplicate: "${id}" is also the Smart Assessor System ID of ${first}`);
    for (const [j, review] of entries(learner, 'reviews')) {
      const reviewPath = `${path}.reviews[${j}]`;
      const reviewIdent = text(review, 'reviewIdent');
      refer(review, 'reviewType', reviewPath, 'reviewType');
      refer(review, 'officerRef', reviewPath, 'officer');
      const owner = reviewIdent === undefined ? undefined : known.reviewOwners.get(reviewIdent);
      if (ident !== undefined && owner !== undefined && owner !== ident) {
        addProblem(problems, `${reviewPath}.reviewIdent`, `review "${reviewIdent}" belongs to learner "${owner}" in the database`);
      }
      const systemId = text(review, 'smartAssessorSystemId');
      if (systemId === undefined || !sessions.claim(systemId, `${reviewPath}.smartAssessorSystemId`) || ident === undefined) continue;
      const holder = known.reviewSessions.get(sessionKey(ident, systemId));
      if (holder !== undefined && holder !== reviewIdent) {
        addProblem(problems, `${reviewPath}.smartAssessorSystemId`, `"${systemId}" is already the Smart Assessor System ID of this learner's review "${holder}"`);
      }
    }

    const breaks = new KeyIndex(problems, (day, first) => `duplicate: a break with lastDayInLearning ${day} is already at ${first}`);
    for (const [j, pause] of entries(learner, 'breaksInLearning')) {
      const breakPath = `${path}.breaksInLearning[${j}]`;
      const lastDay = date(pause, 'lastDayInLearning');
      const returned = date(pause, 'returnDate');
      breaks.claim(lastDay, `${breakPath}.lastDayInLearning`);
      if (lastDay !== undefined && returned !== undefined && returned <= lastDay) {
        addProblem(problems, `${breakPath}.returnDate`, `must be after lastDayInLearning (${lastDay})`);
      }
    }
  }

  const settings = document.settings;
  if (isPlainObject(settings) && isPlainObject(settings.reviewTypeMappings)) {
    for (const [sessionType, code] of Object.entries(settings.reviewTypeMappings)) {
      if (typeof code === 'string' && code.trim() !== '' && !exists.reviewType(code)) {
        addProblem(problems, `settings.reviewTypeMappings.${sessionType}`, `no review type "${code}" in the document or the database`);
      }
    }
  }
}
