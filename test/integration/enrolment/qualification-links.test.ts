import { expect } from 'chai';
import { refreshQualificationLinks } from '../../../src/enrolment/index.js';
import { importDocument } from '../../../src/import/import-document.js';
import { startTestbed, type Testbed } from './testbed.js';

describe('Refresh Qualification Links', () => {
  let bed: Testbed;

  beforeEach(async () => {
    bed = await startTestbed();
  });
  afterEach(async () => {
    await bed.close();
  });

  async function links(): Promise<Record<string, string | null>> {
    const rows: Array<{ reference: string; sa_course_id: string | null }> = await bed.db.query('SELECT reference, sa_course_id FROM qualification');
    return Object.fromEntries(rows.map((row) => [row.reference, row.sa_course_id]));
  }

  it("sets or clears each qualification's SA course id by its normalised reference, using active courses only", async () => {
    await importDocument(bed.db, {
      qualifications: [
        { reference: 'ST0457', title: 'Engineering Technician' },
        { reference: '603/3016/5', title: 'Functional Skills Mathematics L2' },
        { reference: 'st 0118', title: 'Business Administrator' },
        { reference: 'ZPROG001', title: 'Apprenticeship programme aim' },
        { reference: '600/5432/1', title: 'Award in Health and Safety (withdrawn in Smart Assessor)' },
        { reference: 'ST0225', title: 'Adult Care Worker' },
      ],
    });
    const store = bed.simulator.store;
    const courseId = (qanCode: string) => store.courseByQanCode(qanCode)!.id;
    // Left over from an earlier refresh: a course Smart Assessor no longer offers, and one now replaced.
    await bed.db.query(`UPDATE qualification SET sa_course_id = 'crs-gone' WHERE reference = 'ZPROG001'`);
    await bed.db.query(`UPDATE qualification SET sa_course_id = 'crs-old' WHERE reference = 'ST0457'`);
    await bed.db.query(`UPDATE qualification SET sa_course_id = $1 WHERE reference = 'ST0225'`, [courseId('ST0225')]);

    const counts = await refreshQualificationLinks(bed.db, bed.client);

    expect(counts).to.deep.equal({ linked: 3, unlinked: 1, unchanged: 2 });
    expect(await links()).to.deep.equal({
      ST0457: courseId('ST0457'),
      '603/3016/5': courseId('60330165'),
      'st 0118': courseId('ST0118'),
      ZPROG001: null,
      '600/5432/1': null,
      ST0225: courseId('ST0225'),
    });
    expect(store.courseByQanCode('60054321')?.active, 'the withdrawn course is there, but inactive').to.equal(false);

    expect(await refreshQualificationLinks(bed.db, bed.client)).to.deep.equal({ linked: 0, unlinked: 0, unchanged: 6 });
  });
});
