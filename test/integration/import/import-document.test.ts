import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import sinon from 'sinon';
import type { DataSource } from 'typeorm';
import { ValidationFailedError } from '../../../src/failure-kinds.js';
import { importDocument, type ImportDocument, type ImportLearner } from '../../../src/import/import-document.js';
import { LEARNERS_PER_CHUNK } from '../../../src/import/write-document.js';
import { SecretBox } from '../../../src/settings/secret-box.js';
import { SettingsService } from '../../../src/settings/settings-service.js';
import { resetDatabase, testDataSource } from '../../support/database.js';

const TABLES = ['review_type', 'qualification', 'organisation', 'officer', 'learner', 'learner_officer_role', 'break_in_learning', 'learning_aim', 'review'];

function amira(overrides: Partial<ImportLearner> = {}): ImportLearner {
  return {
    learnerIdent: 'L000123',
    lrn: 'LRN123',
    firstName: 'Amira',
    surname: 'Khan',
    dateOfBirth: '2004-03-09',
    gender: 'Female',
    uln: '9276308686',
    email: 'amira@example.org',
    address1: '1 High St',
    address2: null,
    address3: null,
    address4: null,
    postcode: 'LS1 4AP',
    niNumber: 'AB123456C',
    phone: null,
    mobile: '07700900123',
    systemStatus: 'Live',
    placementOrganisationRef: 'ORG7',
    mainOfficerRef: 'OFF2',
    officerRoles: [{ role: 'IQA', officerRef: 'OFF9' }],
    plannedOtjHours: 278,
    smartAssessorId: null,
    qualifications: [
      {
        aimRef: 'L000123-1',
        reference: 'ST0123',
        startDate: '2026-01-05',
        plannedEndDate: '2027-07-05',
        actualEndDate: '2026-06-30',
        completionStatus: 6,
        outcome: null,
        restartOf: null,
      },
      {
        aimRef: 'L000123-2',
        reference: 'ST0123',
        startDate: '2026-09-01',
        plannedEndDate: '2027-09-01',
        actualEndDate: null,
        completionStatus: 1,
        outcome: null,
        restartOf: 'L000123-1',
      },
    ],
    reviews: [
      { reviewIdent: 'R000045', reviewType: 'PR', plannedDate: '2026-03-01', actualDate: '2026-03-01', officerRef: 'OFF2', attendedStatus: 'Attended', notes: 'Good progress' },
    ],
    breaksInLearning: [{ lastDayInLearning: '2026-06-30', returnDate: '2026-09-01' }],
    ...overrides,
  };
}

function provider(): ImportDocument {
  return {
    reviewTypes: [
      { code: 'PR', name: 'Progress Review' },
      { code: 'IND', name: 'Induction' },
    ],
    qualifications: [{ reference: 'ST0123', title: 'Engineering Technician' }],
    organisations: [
      {
        ref: 'ORG7',
        name: 'Acme Ltd',
        phone: '0113 496 0000',
        edrsNumber: '123456789',
        address1: 'Unit 4',
        address2: 'Mill Lane',
        address3: null,
        address4: 'Leeds',
        postcode: 'LS1 4AP',
        website: 'https://acme.example',
        employerSize: '50-249',
        additionalId: null,
      },
    ],
    officers: [
      { ref: 'OFF2', firstName: 'Sam', surname: 'Patel', email: 'sam.patel@provider.example', phone: null, mobile: null, additionalId: null },
      { ref: 'OFF9', firstName: 'Jo', surname: 'Iqbal', email: 'jo.iqbal@provider.example', phone: null, mobile: null, additionalId: null },
    ],
    learners: [amira(), amira({ learnerIdent: 'L000124', uln: null, officerRoles: [], qualifications: [], reviews: [], breaksInLearning: [] })],
    settings: { learnerDemographicsMode: 'Push', reviewTypeMappings: { FormalReview: 'PR' } },
  };
}

async function rowCounts(db: DataSource): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) counts[table] = Number((await db.query(`SELECT count(*) AS n FROM "${table}"`))[0].n);
  return counts;
}

async function refusal(promise: Promise<unknown>): Promise<ValidationFailedError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationFailedError);
    return error as ValidationFailedError;
  }
  throw new Error('expected the import to be refused');
}

describe('importDocument', () => {
  let db: DataSource;
  let settings: SettingsService;
  const box = new SecretBox(randomBytes(32));

  before(async () => {
    db = await testDataSource();
    settings = new SettingsService(db, box);
  });
  beforeEach(() => resetDatabase(db));
  afterEach(() => sinon.restore());

  it('creates every record of a valid document, linked by key, and counts them', async () => {
    const summary = await importDocument(db, provider(), { settings });
    expect(summary.created).to.deep.equal({
      reviewTypes: 2,
      qualifications: 1,
      organisations: 1,
      officers: 2,
      learners: 2,
      officerRoles: 1,
      breaksInLearning: 1,
      learningAims: 2,
      reviews: 1,
      settings: 0,
    });
    expect(Object.values(summary.updated).reduce((a, b) => a + b)).to.equal(1);
    expect(summary.updated.settings).to.equal(1);

    const [learner] = await db.query(
      `SELECT l.first_name, l.date_of_birth::text AS dob, l.uln, l.system_status, l.planned_otj_hours, o.ref AS organisation, f.ref AS officer
         FROM learner l JOIN organisation o ON o.id = l.placement_organisation_id JOIN officer f ON f.id = l.main_officer_id
        WHERE l.learner_ident = 'L000123'`,
    );
    expect(learner).to.deep.equal({
      first_name: 'Amira',
      dob: '2004-03-09',
      uln: '9276308686',
      system_status: 'Live',
      planned_otj_hours: 278,
      organisation: 'ORG7',
      officer: 'OFF2',
    });
    const aims = await db.query(
      `SELECT a.aim_ref, a.completion_status, a.actual_end_date::text AS ended, r.aim_ref AS restart_of, q.reference
         FROM learning_aim a JOIN qualification q ON q.id = a.qualification_id LEFT JOIN learning_aim r ON r.id = a.restart_of_id ORDER BY a.aim_ref`,
    );
    expect(aims).to.deep.equal([
      { aim_ref: 'L000123-1', completion_status: 6, ended: '2026-06-30', restart_of: null, reference: 'ST0123' },
      { aim_ref: 'L000123-2', completion_status: 1, ended: null, restart_of: 'L000123-1', reference: 'ST0123' },
    ]);
    const [role] = await db.query(`SELECT r.role, o.ref FROM learner_officer_role r JOIN officer o ON o.id = r.officer_id`);
    expect(role).to.deep.equal({ role: 'IQA', ref: 'OFF9' });
    const [review] = await db.query(`SELECT r.review_ident, t.code, r.attended_status, r.notes FROM review r JOIN review_type t ON t.id = r.review_type_id`);
    expect(review).to.deep.equal({ review_ident: 'R000045', code: 'PR', attended_status: 'Attended', notes: 'Good progress' });
    expect(await settings.view()).to.deep.include({ learnerDemographicsMode: 'Push' });
    expect((await settings.view()).reviewTypeMappings.FormalReview).to.equal('PR');
  });

  it('updates on re-import rather than duplicating, and changes what the document changed', async () => {
    await importDocument(db, provider(), { settings });
    const before = await rowCounts(db);
    const changed = provider();
    changed.learners![0].surname = 'Khan-Ali';
    changed.learners![0].qualifications![1].completionStatus = 2;
    changed.learners![0].qualifications![1].outcome = 1;
    changed.learners![0].qualifications![1].actualEndDate = '2027-08-01';
    changed.organisations![0].name = 'Acme Engineering Ltd';

    const stamp = `SELECT learner_ident, updated_at FROM learner ORDER BY learner_ident`;
    const [amiraBefore, otherBefore] = await db.query(stamp);

    const summary = await importDocument(db, changed, { settings });
    expect(summary.created).to.deep.include({ learners: 0, learningAims: 0, organisations: 0, reviews: 0 });
    const [amiraAfter, otherAfter] = await db.query(stamp);
    expect(amiraAfter.updated_at.getTime()).to.be.greaterThan(amiraBefore.updated_at.getTime());
    expect(otherAfter.updated_at.getTime(), 'an unchanged learner is not rewritten').to.equal(otherBefore.updated_at.getTime());
    expect(summary.updated).to.deep.include({ learners: 2, learningAims: 2, organisations: 1, officers: 2, reviews: 1, officerRoles: 1, breaksInLearning: 1 });
    expect(await rowCounts(db)).to.deep.equal(before);
    const [learner] = await db.query(`SELECT surname FROM learner WHERE learner_ident = 'L000123'`);
    expect(learner.surname).to.equal('Khan-Ali');
    const [aim] = await db.query(`SELECT completion_status, outcome FROM learning_aim WHERE aim_ref = 'L000123-2'`);
    expect(aim).to.deep.equal({ completion_status: 2, outcome: 1 });
    const [organisation] = await db.query(`SELECT name FROM organisation WHERE ref = 'ORG7'`);
    expect(organisation.name).to.equal('Acme Engineering Ltd');
  });

  it('never overwrites the columns the sync owns, and a blank Smart Assessor link never unlinks', async () => {
    await importDocument(db, provider(), { settings });
    await db.query(
      `UPDATE learner SET actual_otj_hours = 41.5, risk_band = 'Red', last_synced_at = '2026-11-28T02:14:09Z', last_error = 'x', smart_assessor_id = '5512' WHERE learner_ident = 'L000123'`,
    );
    await db.query(`UPDATE learning_aim SET elements_done = 37, elements_total = 120, sa_learner_course_id = '9001' WHERE aim_ref = 'L000123-2'`);
    await db.query(`UPDATE qualification SET sa_course_id = '44'`);
    await db.query(`UPDATE organisation SET additional_id = '301'`);
    await db.query(`UPDATE officer SET additional_id = '88' WHERE ref = 'OFF2'`);
    await db.query(`UPDATE review SET smart_assessor_system_id = '77123'`);

    await importDocument(db, provider(), { settings });
    const [learner] = await db.query(
      `SELECT actual_otj_hours, risk_band, last_synced_at IS NOT NULL AS synced, last_error, smart_assessor_id FROM learner WHERE learner_ident = 'L000123'`,
    );
    expect(learner).to.deep.equal({ actual_otj_hours: '41.50', risk_band: 'Red', synced: true, last_error: 'x', smart_assessor_id: '5512' });
    const [aim] = await db.query(`SELECT elements_done, elements_total, sa_learner_course_id FROM learning_aim WHERE aim_ref = 'L000123-2'`);
    expect(aim).to.deep.equal({ elements_done: 37, elements_total: 120, sa_learner_course_id: '9001' });
    expect((await db.query(`SELECT sa_course_id FROM qualification`))[0].sa_course_id).to.equal('44');
    expect((await db.query(`SELECT additional_id FROM organisation`))[0].additional_id).to.equal('301');
    expect((await db.query(`SELECT additional_id FROM officer WHERE ref = 'OFF2'`))[0].additional_id).to.equal('88');
    expect((await db.query(`SELECT smart_assessor_system_id FROM review`))[0].smart_assessor_system_id).to.equal('77123');

    const relinked = provider();
    relinked.organisations![0].additionalId = '302';
    relinked.learners![0].smartAssessorId = '6000';
    await importDocument(db, relinked, { settings });
    expect((await db.query(`SELECT additional_id FROM organisation`))[0].additional_id).to.equal('302');
    expect((await db.query(`SELECT smart_assessor_id FROM learner WHERE learner_ident = 'L000123'`))[0].smart_assessor_id).to.equal('6000');
  });

  it("replaces a learner's officer roles and breaks with the document's set, and leaves them alone when the document has none", async () => {
    await importDocument(db, provider(), { settings });
    const replaced = provider();
    replaced.learners![0].officerRoles = [{ role: 'Second Assessor', officerRef: 'OFF9' }];
    replaced.learners![0].breaksInLearning = [];
    replaced.learners![0].qualifications![0].completionStatus = 1;
    replaced.learners![0].qualifications![0].actualEndDate = null;
    replaced.learners![0].qualifications![1].restartOf = null;
    const summary = await importDocument(db, replaced, { settings });
    expect(summary.created.officerRoles).to.equal(1);
    expect(await db.query(`SELECT role FROM learner_officer_role`)).to.deep.equal([{ role: 'Second Assessor' }]);
    expect(await db.query(`SELECT id FROM break_in_learning`)).to.deep.equal([]);
    expect((await db.query(`SELECT restart_of_id FROM learning_aim WHERE aim_ref = 'L000123-2'`))[0].restart_of_id).to.equal(null);

    const silent = provider();
    delete silent.learners![0].officerRoles;
    delete silent.learners![0].breaksInLearning;
    silent.learners![0].qualifications![0].completionStatus = 1;
    silent.learners![0].qualifications![0].actualEndDate = null;
    await importDocument(db, silent, { settings });
    expect(await db.query(`SELECT role FROM learner_officer_role`)).to.deep.equal([{ role: 'Second Assessor' }]);
  });

  it('leaves alone records the document does not mention, and refers to records only the database has', async () => {
    await importDocument(db, provider(), { settings });
    const summary = await importDocument(db, {
      learners: [
        {
          learnerIdent: 'L000200',
          firstName: 'Tom',
          surname: 'Hill',
          placementOrganisationRef: 'ORG7',
          mainOfficerRef: 'OFF2',
          qualifications: [{ aimRef: 'L000200-1', reference: 'ST0123', startDate: '2026-02-01', plannedEndDate: '2027-02-01', completionStatus: 1 }],
          reviews: [{ reviewIdent: 'R9', reviewType: 'IND', officerRef: 'OFF9' }],
        },
      ],
    });
    expect(summary.created).to.deep.include({ learners: 1, learningAims: 1, reviews: 1 });
    expect(await db.query(`SELECT learner_ident FROM learner ORDER BY learner_ident`)).to.deep.equal([
      { learner_ident: 'L000123' },
      { learner_ident: 'L000124' },
      { learner_ident: 'L000200' },
    ]);
    const [tom] = await db.query(`SELECT system_status, uln FROM learner WHERE learner_ident = 'L000200'`);
    expect(tom).to.deep.equal({ system_status: 'Live', uln: null });
    expect((await db.query(`SELECT attended_status FROM review WHERE review_ident = 'R9'`))[0].attended_status).to.equal('Unknown');
  });

  it('refuses an invalid document with every bad path and reason, and writes nothing', async () => {
    await importDocument(db, provider(), { settings });
    const before = await rowCounts(db);
    const bad = provider() as unknown as { learners: Array<Record<string, unknown>>; organisations: Array<Record<string, unknown>>; settings: Record<string, unknown> };
    bad.learners.push(...Array.from({ length: 3 }, (_, i) => ({ ...amira({ learnerIdent: `L9${i}`, officerRoles: [], reviews: [], breaksInLearning: [], qualifications: [] }) })), {
      ...amira({ learnerIdent: 'L999', reviews: [], breaksInLearning: [] }),
      dateOfBirth: '2004-02-31',
      placementOrganisationRef: 'ORG99',
      qualifications: [{ aimRef: 'L999-1', reference: 'ST0123', startDate: '2026-01-05', plannedEndDate: '2025-01-05', completionStatus: 5, restartOf: 'L000123-1' }],
    });
    bad.organisations[0].surprise = true;
    bad.settings.timezone = 'Moon/Base';

    const error = await refusal(importDocument(db, bad, { settings }));
    expect(error.fields).to.deep.equal({
      'organisations[0].surprise': '"surprise" is not a field of an organisation',
      'learners[5].dateOfBirth': 'must be a real date YYYY-MM-DD',
      'learners[5].qualifications[0].completionStatus': 'must be one of 1, 2, 3, 6',
      'settings.timezone': 'must be an IANA time zone such as Europe/London',
      'learners[5].placementOrganisationRef': 'no organisation "ORG99" in the document or the database',
      'learners[5].qualifications[0].plannedEndDate': 'must not be before startDate (2026-01-05)',
      'learners[5].qualifications[0].restartOf': 'aim "L000123-1" belongs to learner "L000123", not to this learner',
    });
    expect(error.message).to.match(/^Import refused, nothing was written: 7 problems: organisations\[0\]\.surprise: /);
    expect(await rowCounts(db)).to.deep.equal(before);
  });

  it('refuses keys that the database gives to another learner', async () => {
    await importDocument(db, provider(), { settings });
    const error = await refusal(
      importDocument(db, {
        learners: [
          {
            learnerIdent: 'L000124',
            firstName: 'A',
            surname: 'B',
            qualifications: [{ aimRef: 'L000123-1', reference: 'ST0123', startDate: '2026-01-05', plannedEndDate: '2027-01-05', completionStatus: 1 }],
          },
        ],
      }),
    );
    expect(error.fields).to.deep.equal({ 'learners[0].qualifications[0].aimRef': 'aim "L000123-1" belongs to learner "L000123" in the database' });
  });

  it('writes nothing when the import fails part-way through writing', async () => {
    const failing = new SettingsService(db, new SecretBox(randomBytes(32)));
    sinon.stub(failing, 'update').rejects(new Error('disk full'));
    const error = await importDocument(db, provider(), { settings: failing }).catch((caught: Error) => caught);
    expect((error as Error).message).to.equal('disk full');
    expect(Object.values(await rowCounts(db)).every((count) => count === 0)).to.equal(true);
  });

  it('seals secrets given in the settings, and refuses settings when there is no settings service', async () => {
    const document = { ...provider(), settings: { password: 'imported-pw', clientKey: 'imported-ck' } };
    await importDocument(db, document, { settings });
    const [row] = await db.query('SELECT password_encrypted, client_key_encrypted FROM integration_settings');
    expect(row.password_encrypted).to.match(/^v1:/);
    expect(JSON.stringify(row)).not.to.contain('imported-');
    const connection = await new SettingsService(db, box, { baseUrl: 'http://sa.example', username: 'u' }).connection();
    expect(connection).to.deep.include({ password: 'imported-pw', clientKey: 'imported-ck' });

    await resetDatabase(db);
    const error = await refusal(importDocument(db, document));
    expect(error.fields).to.deep.equal({ settings: 'cannot be imported here: no settings service to seal the secrets with' });
    expect(Object.values(await rowCounts(db)).every((count) => count === 0)).to.equal(true);
  });

  it('writes a document larger than one chunk of learners whole, linking every record across chunks', async () => {
    const count = LEARNERS_PER_CHUNK + 1;
    const learners = Array.from({ length: count }, (_, i): ImportLearner => ({
      learnerIdent: `L${i}`,
      firstName: 'A',
      surname: 'B',
      placementOrganisationRef: 'ORG7',
      officerRoles: [{ role: 'IQA', officerRef: 'OFF2' }],
      qualifications: [
        { aimRef: `L${i}-1`, reference: 'ST0123', startDate: '2026-01-05', plannedEndDate: '2027-01-05', actualEndDate: '2026-03-01', completionStatus: 6 },
        { aimRef: `L${i}-2`, reference: 'ST0123', startDate: '2026-05-01', plannedEndDate: '2027-05-01', completionStatus: 1, restartOf: `L${i}-1` },
      ],
    }));
    const document: ImportDocument = { ...provider(), learners, settings: undefined };
    const first = await importDocument(db, document);
    expect(first.created).to.deep.include({ learners: count, learningAims: 2 * count, officerRoles: count });
    const [linked] = await db.query(
      `SELECT count(*)::int AS n FROM learning_aim a JOIN learning_aim r ON r.id = a.restart_of_id JOIN learner l ON l.id = a.learner_id
        WHERE r.learner_id = a.learner_id AND l.placement_organisation_id IS NOT NULL`,
    );
    expect(linked.n).to.equal(count);

    learners[count - 1].surname = 'Changed';
    const second = await importDocument(db, document);
    expect(second.created).to.deep.include({ learners: 0, learningAims: 0, officerRoles: 0 });
    expect(second.updated).to.deep.include({ learners: count, learningAims: 2 * count, officerRoles: count });
    expect((await db.query(`SELECT surname FROM learner WHERE learner_ident = $1`, [`L${count - 1}`]))[0].surname).to.equal('Changed');
    expect((await db.query(`SELECT count(*)::int AS n FROM learner`))[0].n).to.equal(count);
  });

  it('stores blank optional text as null', async () => {
    await importDocument(db, { learners: [{ learnerIdent: 'L1', firstName: 'A', surname: 'B', email: '  ', address2: '' }] });
    expect(await db.query(`SELECT email, address2 FROM learner`)).to.deep.equal([{ email: null, address2: null }]);
  });
});
