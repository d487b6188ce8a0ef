import type { EntityManager } from 'typeorm';
import { entries, text, type PlainRecord } from './document-walk.js';
import { isPlainObject } from './problems.js';

/** What the database already holds that the document refers to or could collide with. */
export interface DatabaseKnowledge {
  /** ref → id, for the records the document refers to but does not carry. */
  organisationIds: Map<string, number>;
  officerIds: Map<string, number>;
  qualificationIds: Map<string, number>;
  reviewTypeIds: Map<string, number>;
  /** aimRef → the Learner Ident that owns it. */
  aimOwners: Map<string, string>;
  /** aimRef → id, for the aims above (restart links to them are written directly). */
  aimIds: Map<string, number>;
  /** reviewIdent → the Learner Ident that owns it. */
  reviewOwners: Map<string, string>;
  /** `sessionKey(learnerIdent, systemId)` → the reviewIdent holding that Smart Assessor session. */
  reviewSessions: Map<string, string>;
  /** Smart Assessor employer id → organisation ref. */
  organisationAdditionalIds: Map<string, string>;
  /** Smart Assessor assessor id → officer ref. */
  officerAdditionalIds: Map<string, string>;
  /** Smart Assessor learner id → Learner Ident. */
  learnerSmartAssessorIds: Map<string, string>;
}

export function emptyKnowledge(): DatabaseKnowledge {
  return {
    organisationIds: new Map(),
    officerIds: new Map(),
    qualificationIds: new Map(),
    reviewTypeIds: new Map(),
    aimOwners: new Map(),
    aimIds: new Map(),
    reviewOwners: new Map(),
    reviewSessions: new Map(),
    organisationAdditionalIds: new Map(),
    officerAdditionalIds: new Map(),
    learnerSmartAssessorIds: new Map(),
  };
}

export function sessionKey(learnerIdent: string, systemId: string): string {
  return `${learnerIdent}\u0000${systemId}`;
}

interface Questions {
  organisationRefs: Set<string>;
  officerRefs: Set<string>;
  qualificationReferences: Set<string>;
  reviewTypeCodes: Set<string>;
  aimRefs: Set<string>;
  reviewIdents: Set<string>;
  reviewSystemIds: Set<string>;
  organisationAdditionalIds: Set<string>;
  officerAdditionalIds: Set<string>;
  learnerSmartAssessorIds: Set<string>;
}

function keysOf(document: PlainRecord, section: string, field: string): Set<string> {
  const keys = new Set<string>();
  for (const [, record] of entries(document, section)) {
    const key = text(record, field);
    if (key !== undefined) keys.add(key);
  }
  return keys;
}

function addText(set: Set<string>, record: PlainRecord, field: string): void {
  const value = text(record, field);
  if (value !== undefined) set.add(value);
}

/** Every key the document mentions that the database must answer for. */
function questionsFor(document: PlainRecord): Questions {
  const questions: Questions = {
    organisationRefs: new Set(),
    officerRefs: new Set(),
    qualificationReferences: new Set(),
    reviewTypeCodes: new Set(),
    aimRefs: new Set(),
    reviewIdents: new Set(),
    reviewSystemIds: new Set(),
    organisationAdditionalIds: keysOf(document, 'organisations', 'additionalId'),
    officerAdditionalIds: keysOf(document, 'officers', 'additionalId'),
    learnerSmartAssessorIds: keysOf(document, 'learners', 'smartAssessorId'),
  };
  for (const [, learner] of entries(document, 'learners')) {
    addText(questions.organisationRefs, learner, 'placementOrganisationRef');
    addText(questions.officerRefs, learner, 'mainOfficerRef');
    for (const [, role] of entries(learner, 'officerRoles')) addText(questions.officerRefs, role, 'officerRef');
    for (const [, aim] of entries(learner, 'qualifications')) {
      addText(questions.aimRefs, aim, 'aimRef');
      addText(questions.aimRefs, aim, 'restartOf');
      addText(questions.qualificationReferences, aim, 'reference');
    }
    for (const [, review] of entries(learner, 'reviews')) {
      addText(questions.reviewIdents, review, 'reviewIdent');
      addText(questions.reviewTypeCodes, review, 'reviewType');
      addText(questions.officerRefs, review, 'officerRef');
      addText(questions.reviewSystemIds, review, 'smartAssessorSystemId');
    }
  }
  const settings = document.settings;
  if (isPlainObject(settings) && isPlainObject(settings.reviewTypeMappings)) {
    for (const code of Object.values(settings.reviewTypeMappings)) {
      if (typeof code === 'string') questions.reviewTypeCodes.add(code);
    }
  }
  // Records the document carries are written from the document; only the others are asked for.
  const without = (asked: Set<string>, carried: Set<string>) => new Set([...asked].filter((key) => !carried.has(key)));
  questions.organisationRefs = without(questions.organisationRefs, keysOf(document, 'organisations', 'ref'));
  questions.officerRefs = without(questions.officerRefs, keysOf(document, 'officers', 'ref'));
  questions.qualificationReferences = without(questions.qualificationReferences, keysOf(document, 'qualifications', 'reference'));
  questions.reviewTypeCodes = without(questions.reviewTypeCodes, keysOf(document, 'reviewTypes', 'code'));
  return questions;
}

/** Keys per lookup: a 100,000-learner document asks about some 230,000 aims; each query stays short. */
const KEYS_PER_QUERY = 20_000;

/** Runs `sql` (whose $1 is the key array) over `keys` in slices, concatenating the rows. */
async function lookUp<Row>(manager: EntityManager, sql: string, keys: Set<string>): Promise<Row[]> {
  const all = [...keys];
  const rows: Row[] = [];
  for (let start = 0; start < all.length; start += KEYS_PER_QUERY) {
    rows.push(...((await manager.query(sql, [all.slice(start, start + KEYS_PER_QUERY)])) as Row[]));
  }
  return rows;
}

async function pairs(manager: EntityManager, sql: string, keys: Set<string>): Promise<Array<[string, string]>> {
  const rows = await lookUp<{ key: string; value: string | number }>(manager, sql, keys);
  return rows.map((row) => [row.key, String(row.value)]);
}

async function ids(manager: EntityManager, table: string, column: string, keys: Set<string>): Promise<Map<string, number>> {
  const found = await pairs(manager, `SELECT "${column}" AS key, id AS value FROM "${table}" WHERE "${column}" = ANY($1::varchar[])`, keys);
  return new Map(found.map(([key, id]) => [key, Number(id)]));
}

/** A few queries per kind of question, whatever the document's size. */
export async function askDatabase(manager: EntityManager, document: PlainRecord): Promise<DatabaseKnowledge> {
  const questions = questionsFor(document);
  const sessions = await lookUp<{ learner_ident: string; system_id: string; review_ident: string }>(
    manager,
    `SELECT l.learner_ident, r.smart_assessor_system_id AS system_id, r.review_ident
       FROM review r JOIN learner l ON l.id = r.learner_id
      WHERE r.smart_assessor_system_id = ANY($1::varchar[])`,
    questions.reviewSystemIds,
  );
  const aims = await lookUp<{ aim_ref: string; learner_ident: string; id: number }>(
    manager,
    'SELECT a.aim_ref, l.learner_ident, a.id FROM learning_aim a JOIN learner l ON l.id = a.learner_id WHERE a.aim_ref = ANY($1::varchar[])',
    questions.aimRefs,
  );
  return {
    organisationIds: await ids(manager, 'organisation', 'ref', questions.organisationRefs),
    officerIds: await ids(manager, 'officer', 'ref', questions.officerRefs),
    qualificationIds: await ids(manager, 'qualification', 'reference', questions.qualificationReferences),
    reviewTypeIds: await ids(manager, 'review_type', 'code', questions.reviewTypeCodes),
    aimOwners: new Map(aims.map((row) => [row.aim_ref, row.learner_ident])),
    aimIds: new Map(aims.map((row) => [row.aim_ref, row.id])),
    reviewOwners: new Map(
      await pairs(
        manager,
        'SELECT r.review_ident AS key, l.learner_ident AS value FROM review r JOIN learner l ON l.id = r.learner_id WHERE r.review_ident = ANY($1::varchar[])',
        questions.reviewIdents,
      ),
    ),
    reviewSessions: new Map(sessions.map((row) => [sessionKey(row.learner_ident, row.system_id), row.review_ident])),
    organisationAdditionalIds: new Map(
      await pairs(manager, 'SELECT additional_id AS key, ref AS value FROM organisation WHERE additional_id = ANY($1::varchar[])', questions.organisationAdditionalIds),
    ),
    officerAdditionalIds: new Map(
      await pairs(manager, 'SELECT additional_id AS key, ref AS value FROM officer WHERE additional_id = ANY($1::varchar[])', questions.officerAdditionalIds),
    ),
    learnerSmartAssessorIds: new Map(
      await pairs(manager, 'SELECT smart_assessor_id AS key, learner_ident AS value FROM learner WHERE smart_assessor_id = ANY($1::varchar[])', questions.learnerSmartAssessorIds),
    ),
  };
}
