import type { EntityManager } from 'typeorm';
import type { SettingsService } from '../settings/settings-service.js';
import type { DatabaseKnowledge } from './database-knowledge.js';
import type { ImportDocument, ImportLearner, ImportSummary } from './import-format.js';
import { IMPORT_RECORD_TYPES, type ImportRecordType } from './import-format.js';
import { byColumn, upsertCounting, upsertReturningIds, type UpsertTable, type WriteCounts } from './upsert-rows.js';

/** Learners per round of statements: 100,000 learners take 20 rounds, and no statement runs long. */
export const LEARNERS_PER_CHUNK = 5_000;
const RECORDS_PER_CHUNK = 10_000;

/*
 * What an import writes. Columns the sync owns (actual OTJ hours, risk band, last synced,
 * last error, elements done and total, the SA learner-course id, the qualification's SA
 * course id) are not in the format and are never touched. The Smart Assessor links that
 * ARE in the format (an organisation's or officer's Additional ID, a learner's Smart
 * Assessor ID, a review's System ID) are written with `keepWhenNull`: a blank in the
 * document never unlinks a record that enrolment or an admin already linked — the MIS
 * export may simply not know the id yet, and losing a link would make the next enrolment
 * create a second employer, assessor or learner in Smart Assessor. Unlinking is the
 * admin API's job (PUT …/additional-id or …/smart-assessor-id with null).
 */
const REVIEW_TYPES: UpsertTable = {
  table: 'review_type',
  conflict: ['code'],
  columns: [
    { name: 'code', type: 'varchar' },
    { name: 'name', type: 'varchar' },
  ],
};

const QUALIFICATIONS: UpsertTable = {
  table: 'qualification',
  conflict: ['reference'],
  columns: [
    { name: 'reference', type: 'varchar' },
    { name: 'title', type: 'varchar' },
  ],
};

const ORGANISATIONS: UpsertTable = {
  table: 'organisation',
  conflict: ['ref'],
  touchUpdatedAt: true,
  columns: [
    { name: 'ref', type: 'varchar' },
    { name: 'name', type: 'varchar' },
    { name: 'phone', type: 'varchar' },
    { name: 'edrs_number', type: 'varchar' },
    { name: 'address1', type: 'varchar' },
    { name: 'address2', type: 'varchar' },
    { name: 'address3', type: 'varchar' },
    { name: 'address4', type: 'varchar' },
    { name: 'postcode', type: 'varchar' },
    { name: 'website', type: 'varchar' },
    { name: 'employer_size', type: 'varchar' },
    { name: 'additional_id', type: 'varchar', onUpdate: 'keepWhenNull' },
  ],
};

const OFFICERS: UpsertTable = {
  table: 'officer',
  conflict: ['ref'],
  touchUpdatedAt: true,
  columns: [
    { name: 'ref', type: 'varchar' },
    { name: 'first_name', type: 'varchar' },
    { name: 'surname', type: 'varchar' },
    { name: 'email', type: 'varchar' },
    { name: 'phone', type: 'varchar' },
    { name: 'mobile', type: 'varchar' },
    { name: 'additional_id', type: 'varchar', onUpdate: 'keepWhenNull' },
  ],
};

const LEARNERS: UpsertTable = {
  table: 'learner',
  conflict: ['learner_ident'],
  touchUpdatedAt: true,
  columns: [
    { name: 'learner_ident', type: 'varchar' },
    { name: 'lrn', type: 'varchar' },
    { name: 'first_name', type: 'varchar' },
    { name: 'surname', type: 'varchar' },
    { name: 'date_of_birth', type: 'date' },
    { name: 'gender', type: 'varchar' },
    { name: 'uln', type: 'varchar' },
    { name: 'email', type: 'varchar' },
    { name: 'address1', type: 'varchar' },
    { name: 'address2', type: 'varchar' },
    { name: 'address3', type: 'varchar' },
    { name: 'address4', type: 'varchar' },
    { name: 'postcode', type: 'varchar' },
    { name: 'ni_number', type: 'varchar' },
    { name: 'phone', type: 'varchar' },
    { name: 'mobile', type: 'varchar' },
    { name: 'system_status', type: 'varchar' },
    { name: 'placement_organisation_id', type: 'int' },
    { name: 'main_officer_id', type: 'int' },
    { name: 'planned_otj_hours', type: 'int' },
    { name: 'smart_assessor_id', type: 'varchar', onUpdate: 'keepWhenNull' },
  ],
};

const OFFICER_ROLES: UpsertTable = {
  table: 'learner_officer_role',
  conflict: ['learner_id', 'role'],
  columns: [
    { name: 'learner_id', type: 'int' },
    { name: 'role', type: 'varchar' },
    { name: 'officer_id', type: 'int' },
  ],
};

const BREAKS: UpsertTable = {
  table: 'break_in_learning',
  conflict: ['learner_id', 'last_day_in_learning'],
  columns: [
    { name: 'learner_id', type: 'int' },
    { name: 'last_day_in_learning', type: 'date' },
    { name: 'return_date', type: 'date' },
  ],
};

/**
 * `restart_of_id` is written with the aim when the aim it restarts was already stored;
 * a restart of an aim this import creates is linked by `aim_ref` once all aims are written.
 */
const AIMS: UpsertTable = {
  table: 'learning_aim',
  conflict: ['aim_ref'],
  columns: [
    { name: 'aim_ref', type: 'varchar' },
    { name: 'learner_id', type: 'int' },
    { name: 'qualification_id', type: 'int' },
    { name: 'start_date', type: 'date' },
    { name: 'planned_end_date', type: 'date' },
    { name: 'actual_end_date', type: 'date' },
    { name: 'completion_status', type: 'smallint' },
    { name: 'outcome', type: 'smallint' },
    { name: 'restart_of_id', type: 'int' },
  ],
};

const REVIEWS: UpsertTable = {
  table: 'review',
  conflict: ['review_ident'],
  columns: [
    { name: 'review_ident', type: 'varchar' },
    { name: 'learner_id', type: 'int' },
    { name: 'review_type_id', type: 'int' },
    { name: 'planned_date', type: 'date' },
    { name: 'actual_date', type: 'date' },
    { name: 'officer_id', type: 'int' },
    { name: 'attended_status', type: 'varchar' },
    { name: 'notes', type: 'text' },
    { name: 'smart_assessor_system_id', type: 'varchar', onUpdate: 'keepWhenNull' },
  ],
};

/** Blank text is the MIS's "not known": stored as null. */
function blank(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'string' && value.trim() === '') return null;
  return value;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

class Tally {
  readonly summary: ImportSummary = {
    created: Object.fromEntries(IMPORT_RECORD_TYPES.map((type) => [type, 0])),
    updated: Object.fromEntries(IMPORT_RECORD_TYPES.map((type) => [type, 0])),
  };

  add(type: ImportRecordType, counts: WriteCounts): void {
    this.summary.created[type] += counts.created;
    this.summary.updated[type] += counts.updated;
  }
}

/** Resolves a key the checks have already proved to exist. */
function idOf(ids: Map<string, number>, key: unknown, what: string): number | null {
  const found = blank(key);
  if (found === null) return null;
  const id = ids.get(String(found));
  if (id === undefined) throw new Error(`import: ${what} "${String(found)}" was checked but has no id`);
  return id;
}

async function writeKeyed<T>(
  manager: EntityManager,
  spec: UpsertTable,
  records: readonly T[] | undefined,
  row: (record: T) => unknown[],
  ids: Map<string, number>,
): Promise<WriteCounts> {
  const total: WriteCounts = { created: 0, updated: 0 };
  for (const chunk of chunks(records ?? [], RECORDS_PER_CHUNK)) {
    const written = await upsertReturningIds(manager, spec, spec.conflict[0], byColumn(chunk.map(row), spec.columns.length));
    for (const [key, id] of written.ids) ids.set(key, id);
    total.created += written.counts.created;
    total.updated += written.counts.updated;
  }
  return total;
}

/**
 * Writes a document that has passed every check, inside the caller's transaction:
 * created or updated by key, set-based, a chunk of learners (with their aims, reviews,
 * roles and breaks) per few statements.
 */
export async function writeDocument(manager: EntityManager, document: ImportDocument, known: DatabaseKnowledge, settings: SettingsService | undefined): Promise<ImportSummary> {
  const tally = new Tally();
  const reviewTypeIds = new Map(known.reviewTypeIds);
  const qualificationIds = new Map(known.qualificationIds);
  const organisationIds = new Map(known.organisationIds);
  const officerIds = new Map(known.officerIds);

  tally.add('reviewTypes', await writeKeyed(manager, REVIEW_TYPES, document.reviewTypes, (r) => [r.code, r.name], reviewTypeIds));
  tally.add('qualifications', await writeKeyed(manager, QUALIFICATIONS, document.qualifications, (q) => [q.reference, q.title], qualificationIds));
  tally.add(
    'organisations',
    await writeKeyed(
      manager,
      ORGANISATIONS,
      document.organisations,
      (o) => [o.ref, o.name, o.phone, o.edrsNumber, o.address1, o.address2, o.address3, o.address4, o.postcode, o.website, o.employerSize, o.additionalId].map(blank),
      organisationIds,
    ),
  );
  tally.add(
    'officers',
    await writeKeyed(manager, OFFICERS, document.officers, (o) => [o.ref, o.firstName, o.surname, o.email, o.phone, o.mobile, o.additionalId].map(blank), officerIds),
  );

  const pendingRestarts: PendingRestart[] = [];
  for (const learners of chunks(document.learners ?? [], LEARNERS_PER_CHUNK)) {
    const learnerIds = new Map<string, number>();
    tally.add(
      'learners',
      await writeKeyed(
        manager,
        LEARNERS,
        learners,
        (l) => [
          l.learnerIdent,
          ...[
            l.lrn,
            l.firstName,
            l.surname,
            l.dateOfBirth,
            l.gender,
            l.uln,
            l.email,
            l.address1,
            l.address2,
            l.address3,
            l.address4,
            l.postcode,
            l.niNumber,
            l.phone,
            l.mobile,
          ].map(blank),
          l.systemStatus ?? 'Live',
          idOf(organisationIds, l.placementOrganisationRef, 'organisation'),
          idOf(officerIds, l.mainOfficerRef, 'officer'),
          blank(l.plannedOtjHours),
          blank(l.smartAssessorId),
        ],
        learnerIds,
      ),
    );
    const ids = { learnerIds, storedAimIds: known.aimIds, officerIds, qualificationIds, reviewTypeIds };
    tally.add('officerRoles', await replaceOfficerRoles(manager, learners, ids));
    tally.add('breaksInLearning', await replaceBreaks(manager, learners, learnerIds));
    tally.add('learningAims', await writeAims(manager, learners, ids, pendingRestarts));
    tally.add('reviews', await writeReviews(manager, learners, ids));
  }
  await linkRestarts(manager, pendingRestarts);

  if (document.settings !== undefined) {
    if (!settings) throw new Error('import: settings were checked but no settings service was given');
    await settings.update(document.settings, manager);
    tally.add('settings', { created: 0, updated: 1 });
  }
  return tally.summary;
}

interface ChunkIds {
  learnerIds: Map<string, number>;
  /** Aims stored before this import began. */
  storedAimIds: Map<string, number>;
  officerIds: Map<string, number>;
  qualificationIds: Map<string, number>;
  reviewTypeIds: Map<string, number>;
}

/**
 * A learner that carries `officerRoles` ends with exactly those roles: the others are
 * removed, then the carried ones upserted (so an unchanged role counts as updated, not
 * as removed and created again). A learner without the field keeps what it has.
 */
async function replaceOfficerRoles(manager: EntityManager, learners: ImportLearner[], ids: ChunkIds): Promise<WriteCounts> {
  const carrying = learners.filter((learner) => learner.officerRoles !== undefined);
  if (carrying.length === 0) return { created: 0, updated: 0 };
  const rows = carrying.flatMap((learner) =>
    (learner.officerRoles ?? []).map((role) => [ids.learnerIds.get(learner.learnerIdent), role.role, idOf(ids.officerIds, role.officerRef, 'officer')]),
  );
  const kept = byColumn(rows, 2);
  await manager.query(
    `DELETE FROM learner_officer_role r
      WHERE r.learner_id = ANY($1::int[])
        AND NOT EXISTS (SELECT 1 FROM unnest($2::int[], $3::varchar[]) AS keep(learner_id, role) WHERE keep.learner_id = r.learner_id AND keep.role = r.role)`,
    [carrying.map((learner) => ids.learnerIds.get(learner.learnerIdent)), kept[0], kept[1]],
  );
  return upsertCounting(manager, OFFICER_ROLES, byColumn(rows, OFFICER_ROLES.columns.length));
}

/** As for officer roles: a carried set of breaks replaces the stored one, matched on the last day in learning. */
async function replaceBreaks(manager: EntityManager, learners: ImportLearner[], learnerIds: Map<string, number>): Promise<WriteCounts> {
  const carrying = learners.filter((learner) => learner.breaksInLearning !== undefined);
  if (carrying.length === 0) return { created: 0, updated: 0 };
  const rows = carrying.flatMap((learner) =>
    (learner.breaksInLearning ?? []).map((pause) => [learnerIds.get(learner.learnerIdent), pause.lastDayInLearning, blank(pause.returnDate)]),
  );
  const kept = byColumn(rows, 2);
  await manager.query(
    `DELETE FROM break_in_learning b
      WHERE b.learner_id = ANY($1::int[])
        AND NOT EXISTS (SELECT 1 FROM unnest($2::int[], $3::date[]) AS keep(learner_id, last_day) WHERE keep.learner_id = b.learner_id AND keep.last_day = b.last_day_in_learning)`,
    [carrying.map((learner) => learnerIds.get(learner.learnerIdent)), kept[0], kept[1]],
  );
  return upsertCounting(manager, BREAKS, byColumn(rows, BREAKS.columns.length));
}

/** An aim whose `restartOf` names an aim this same import creates: linked once every aim is written. */
interface PendingRestart {
  aimRef: string;
  restartOf: string;
}

async function writeAims(manager: EntityManager, learners: ImportLearner[], ids: ChunkIds, pending: PendingRestart[]): Promise<WriteCounts> {
  const aims = learners.flatMap((learner) => (learner.qualifications ?? []).map((aim) => ({ learner, aim, restartOf: blank(aim.restartOf) as string | null })));
  for (const { aim, restartOf } of aims) {
    if (restartOf !== null && !ids.storedAimIds.has(restartOf)) pending.push({ aimRef: aim.aimRef, restartOf });
  }
  return upsertCounting(
    manager,
    AIMS,
    byColumn(
      aims.map(({ learner, aim, restartOf }) => [
        aim.aimRef,
        ids.learnerIds.get(learner.learnerIdent),
        idOf(ids.qualificationIds, aim.reference, 'qualification'),
        aim.startDate,
        aim.plannedEndDate,
        blank(aim.actualEndDate),
        aim.completionStatus,
        blank(aim.outcome),
        restartOf === null ? null : (ids.storedAimIds.get(restartOf) ?? null),
      ]),
      AIMS.columns.length,
    ),
  );
}

async function linkRestarts(manager: EntityManager, pending: PendingRestart[]): Promise<void> {
  for (const chunk of chunks(pending, RECORDS_PER_CHUNK)) {
    await manager.query(
      `UPDATE learning_aim a SET restart_of_id = r.id
         FROM unnest($1::varchar[], $2::varchar[]) AS u(aim_ref, restart_ref)
         JOIN learning_aim r ON r.aim_ref = u.restart_ref
        WHERE a.aim_ref = u.aim_ref`,
      [chunk.map((link) => link.aimRef), chunk.map((link) => link.restartOf)],
    );
  }
}

async function writeReviews(manager: EntityManager, learners: ImportLearner[], ids: ChunkIds): Promise<WriteCounts> {
  const rows = learners.flatMap((learner) =>
    (learner.reviews ?? []).map((review) => [
      review.reviewIdent,
      ids.learnerIds.get(learner.learnerIdent),
      idOf(ids.reviewTypeIds, review.reviewType, 'review type'),
      blank(review.plannedDate),
      blank(review.actualDate),
      idOf(ids.officerIds, review.officerRef, 'officer'),
      review.attendedStatus ?? 'Unknown',
      blank(review.notes),
      blank(review.smartAssessorSystemId),
    ]),
  );
  return upsertCounting(manager, REVIEWS, byColumn(rows, REVIEWS.columns.length));
}
