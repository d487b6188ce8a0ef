import { expect } from 'chai';
import { Writable } from 'node:stream';
import { addDays, addYears } from '../../../tools/demo/calendar.js';
import { DemoProvider, generateDemoProvider, writeDemoProvider } from '../../../tools/demo/generate.js';
import type { ImportDocument, ImportLearner } from '../../../src/import/import-document.js';

/** ILR ULN rule, written out here rather than borrowed from the code under test. */
function isValidUln(uln: string): boolean {
  if (!/^[1-9]\d{9}$/.test(uln)) return false;
  const sum = [...uln.slice(0, 9)].reduce((total, digit, i) => total + Number(digit) * (10 - i), 0);
  const check = 10 - (sum % 11);
  return check !== 10 && check === Number(uln[9]);
}

/** ILR NI number format: two prefix letters under HMRC's rules, six digits, suffix A–D. */
function isValidNiNumber(ni: string): boolean {
  return /^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(ni);
}

const POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}$/;
const TODAY = '2026-11-28';

describe('demo provider generator', () => {
  let document: ImportDocument;
  let learners: ImportLearner[];

  before(() => {
    document = generateDemoProvider({ learners: 2000, seed: 11, today: TODAY });
    learners = document.learners!;
  });

  it('gives every learner a valid, unique ULN and a valid NI number', () => {
    const ulns = learners.map((learner) => learner.uln!);
    expect(ulns.filter((uln) => !isValidUln(uln))).to.deep.equal([]);
    expect(new Set(ulns).size).to.equal(learners.length);
    const niNumbers = learners.map((learner) => learner.niNumber).filter((ni): ni is string => ni !== null);
    expect(niNumbers.length).to.be.greaterThan(learners.length * 0.9);
    expect(niNumbers.filter((ni) => !isValidNiNumber(ni))).to.deep.equal([]);
  });

  it('gives learners and employers real-looking postcodes, emails and UK phone numbers', () => {
    const postcodes = [...learners.map((l) => l.postcode), ...document.organisations!.map((o) => o.postcode)];
    expect(postcodes.filter((postcode) => !POSTCODE.test(postcode ?? ''))).to.deep.equal([]);
    const emails = learners.map((l) => l.email).filter((email): email is string => email !== null);
    expect(emails.filter((email) => !/^[a-z0-9.'-]+@example\.(com|org|net)$/.test(email))).to.deep.equal([]);
    expect(new Set(emails).size).to.equal(emails.length);
    const phones = learners.flatMap((l) => [l.phone, l.mobile]).filter((phone): phone is string => phone !== null);
    expect(phones.filter((phone) => !/^0\d{2,4} \d{3,4} ?\d{3,4}$/.test(phone))).to.deep.equal([]);
    expect(document.officers!.map((o) => o.email).every((email) => /@northfield-training\.example$/.test(email))).to.equal(true);
    expect(new Set(document.officers!.map((o) => o.email)).size).to.equal(document.officers!.length);
  });

  it('shares employers (about one per 8 learners) and officers (one per 40) between many learners', () => {
    expect(document.organisations).to.have.length(250);
    expect(document.officers).to.have.length(50);
    const perEmployer = new Map<string, number>();
    for (const learner of learners) perEmployer.set(learner.placementOrganisationRef!, (perEmployer.get(learner.placementOrganisationRef!) ?? 0) + 1);
    expect(Math.max(...perEmployer.values())).to.be.at.least(30);
    expect([...perEmployer.values()].filter((count) => count >= 5).length).to.be.at.least(100);
    const organisations = new Set(document.organisations!.map((o) => o.ref));
    expect([...perEmployer.keys()].every((ref) => organisations.has(ref))).to.equal(true);
    const edrs = document.organisations!.map((o) => o.edrsNumber!);
    expect(edrs.every((number) => /^\d{9}$/.test(number))).to.equal(true);
    expect(new Set(edrs).size).to.equal(edrs.length);
    expect(new Set(document.organisations!.map((o) => o.name)).size).to.equal(250);
  });

  it('gives each learner a main officer and some an IQA or second assessor who is someone else', () => {
    const roles = learners.flatMap((learner) => learner.officerRoles!.map((role) => ({ ...role, main: learner.mainOfficerRef })));
    expect(learners.every((learner) => learner.mainOfficerRef !== null)).to.equal(true);
    expect(roles.filter((r) => r.role === 'IQA').length).to.be.within(500, 900);
    expect(roles.filter((r) => r.role === 'Second Assessor').length).to.be.within(350, 650);
    expect(roles.every((role) => role.officerRef !== role.main)).to.equal(true);
  });

  it('tells varied ILR stories: continuing, completed, withdrawn, on a break, restarted after one', () => {
    const aims = learners.flatMap((learner) => learner.qualifications!);
    const statuses = new Set(aims.map((aim) => `${aim.completionStatus}/${aim.outcome}`));
    expect([...statuses].sort()).to.include.members(['1/null', '2/1', '2/8', '3/3', '6/null']);
    const monthAgo = addDays(TODAY, -30);
    const ended = learners.filter((learner) => learner.qualifications!.every((aim) => aim.actualEndDate !== null && aim.completionStatus !== 6));
    const endedOn = (learner: ImportLearner) =>
      learner
        .qualifications!.map((aim) => aim.actualEndDate!)
        .sort()
        .at(-1)!;
    expect(ended.filter((learner) => endedOn(learner) >= monthAgo).length).to.be.at.least(40);
    expect(ended.filter((learner) => endedOn(learner) < monthAgo).length).to.be.at.least(40);
    expect(learners.filter((learner) => learner.breaksInLearning!.some((pause) => pause.returnDate === null)).length).to.be.at.least(80);
    const restarts = aims.filter((aim) => aim.restartOf !== null);
    expect(restarts.length).to.be.at.least(80);
    for (const learner of learners) {
      const refs = new Set(learner.qualifications!.map((aim) => aim.aimRef));
      for (const aim of learner.qualifications!) {
        if (aim.restartOf) expect(refs.has(aim.restartOf)).to.equal(true);
        expect(aim.plannedEndDate >= aim.startDate).to.equal(true);
        if (aim.actualEndDate) expect(aim.actualEndDate >= aim.startDate && aim.actualEndDate <= TODAY).to.equal(true);
      }
    }
    expect(learners.some((learner) => learner.systemStatus === 'Archived')).to.equal(true);
    expect(learners.filter((learner) => learner.reviews!.length > 0).length).to.be.within(500, 900);
    expect(aims.some((aim) => aim.reference === '603/3016/5') && aims.some((aim) => aim.reference === '603/5060/7')).to.equal(true);
  });

  it('makes learners 16 to 40 years old, not yet enrolled in Smart Assessor, with planned OTJ hours', () => {
    const oldest = addYears(TODAY, -41);
    const youngest = addYears(TODAY, -16);
    expect(learners.every((l) => l.dateOfBirth! > oldest && l.dateOfBirth! <= youngest)).to.equal(true);
    expect(learners.every((l) => l.smartAssessorId === null)).to.equal(true);
    expect(document.organisations!.every((o) => o.additionalId === null) && document.officers!.every((o) => o.additionalId === null)).to.equal(true);
    expect(learners.every((l) => Number.isInteger(l.plannedOtjHours) && l.plannedOtjHours! > 0)).to.equal(true);
  });

  it('maps formal reviews, inductions and exit sessions to review types and ignores the rest', () => {
    expect(document.reviewTypes!.map((type) => type.code)).to.deep.equal(['PR', 'IND', 'EXIT', 'TR']);
    expect(document.settings!.reviewTypeMappings).to.deep.include({ FormalReview: 'PR', Induction: 'IND', ExitSession: 'EXIT', Telephone: null, General: null });
  });

  it('is the same for the same seed, different for another, and makes learner i alone as in the whole document', () => {
    expect(generateDemoProvider({ learners: 50, seed: 11, today: TODAY })).to.deep.equal(generateDemoProvider({ learners: 50, seed: 11, today: TODAY }));
    expect(generateDemoProvider({ learners: 50, seed: 12, today: TODAY }).learners).not.to.deep.equal(generateDemoProvider({ learners: 50, seed: 11, today: TODAY }).learners);
    expect(learners[7].learnerIdent).to.equal('L000008');
    expect(new DemoProvider({ learners: 2000, seed: 11, today: TODAY }).learner(1999)).to.deep.equal(learners[1999]);
  });

  it('writes, incrementally, exactly the document it generates', async () => {
    let text = '';
    let writes = 0;
    const sink = new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        writes += 1;
        done();
      },
    });
    await writeDemoProvider(sink, { learners: 1200, seed: 5, today: TODAY });
    expect(writes).to.be.at.least(4);
    expect(JSON.parse(text)).to.deep.equal(generateDemoProvider({ learners: 1200, seed: 5, today: TODAY }));
  });

  it('refuses options it cannot honour', () => {
    expect(() => generateDemoProvider({ learners: 0 })).to.throw(RangeError, 'learners must be a whole number of at least 1');
    expect(() => generateDemoProvider({ learners: 5, today: '2026-02-30' })).to.throw(RangeError, 'today must be a real date');
  });
});
