import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { generateDemoProvider } from '../../../tools/demo/generate.js';
import { importDocument } from '../../../src/import/import-document.js';
import { SecretBox } from '../../../src/settings/secret-box.js';
import { SettingsService } from '../../../src/settings/settings-service.js';
import { resetDatabase, testDataSource } from '../../support/database.js';

describe('demo provider import', () => {
  let db: DataSource;

  before(async () => {
    db = await testDataSource();
  });
  beforeEach(() => resetDatabase(db));

  it('imports cleanly, every record created, and again as updates only', async () => {
    const document = generateDemoProvider({ learners: 400, seed: 3, today: '2026-11-28' });
    const settings = new SettingsService(db, new SecretBox(randomBytes(32)));
    const learners = document.learners!;
    const count = (pick: (learner: (typeof learners)[number]) => unknown[] | undefined) => learners.reduce((sum, learner) => sum + (pick(learner)?.length ?? 0), 0);

    const first = await importDocument(db, document, { settings });
    expect(first.created).to.deep.equal({
      reviewTypes: 4,
      qualifications: document.qualifications!.length,
      organisations: 50,
      officers: 10,
      learners: 400,
      officerRoles: count((l) => l.officerRoles),
      breaksInLearning: count((l) => l.breaksInLearning),
      learningAims: count((l) => l.qualifications),
      reviews: count((l) => l.reviews),
      settings: 0,
    });
    const restarts = await db.query('SELECT count(*)::int AS n FROM learning_aim WHERE restart_of_id IS NOT NULL');
    expect(restarts[0].n).to.equal(learners.flatMap((l) => l.qualifications!).filter((aim) => aim.restartOf).length);
    expect((await settings.view()).reviewTypeMappings).to.deep.include({ FormalReview: 'PR', Induction: 'IND', ExitSession: 'EXIT', Telephone: null });

    const second = await importDocument(db, document, { settings });
    expect(Object.values(second.created).every((n) => n === 0)).to.equal(true);
    expect(second.updated).to.deep.equal({ ...first.created, settings: 1 });
  });
});
