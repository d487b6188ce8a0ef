import { expect } from 'chai';
import type { ProposalView } from '../../../src/onboarding/matches.js';
import type { SeedLearner } from '../../../tools/simulator/seed.js';
import { uln } from '../enrolment/fixtures.js';
import {
  describeProposal,
  existingProviderDocument,
  existingSmartAssessorRecords,
  EXPECTED_LEARNER_PROPOSALS,
  EXPECTED_OFFICER_PROPOSALS,
  EXPECTED_ORGANISATION_PROPOSALS,
  EXPECTED_UNMATCHED,
  UNIQUE_LINKS,
} from './existing-provider.js';
import { quietImportLog, startOnboardingBed, type OnboardingBed } from './onboarding-bed.js';
import { waitFor } from '../../support/pipeline.js';

/** Smart Assessor learners nobody in the MIS is: enough that the learners are read in three pages of 500. */
const STRANGERS = 1_100;

function strangers(): SeedLearner[] {
  return Array.from({ length: STRANGERS }, (_, index) => ({
    id: `lrn-stranger-${index + 1}`,
    misReference: null,
    firstName: 'Stranger',
    surname: `Number${index + 1}`,
    dateOfBirth: '1980-01-01',
    email: `stranger${index + 1}@example.org`,
    uln: uln(5_000 + index),
    employerId: 'emp-other',
    assessorId: 'asr-other',
  }));
}

interface MatchAnswer {
  matchId: string;
  state: string;
  proposals: ProposalView[];
  unmatched: { learners: number; organisations: number; officers: number };
  counts: Array<{ kind: string; basis: string; proposals: number; records: number; unique: number; linked: number }>;
  progress: { pagesRead: number; pagesTotal: number | null };
  smartAssessorRecords: { learners: number; employers: number; assessors: number };
  totalItems: number;
  error: string | null;
}

describe("onboarding: matching a provider's existing Smart Assessor records, and accepting the proposals", function () {
  this.timeout(120_000);
  let bed: OnboardingBed;
  quietImportLog();
  afterEach(async () => {
    await bed?.close();
  });

  async function load(options: Parameters<typeof startOnboardingBed>[0] = {}): Promise<void> {
    bed = await startOnboardingBed(options);
    const records = existingSmartAssessorRecords();
    await bed.load(existingProviderDocument(), { ...records, learners: [...records.learners!, ...strangers()] });
  }

  async function proposals(matchId: string, query = ''): Promise<ProposalView[]> {
    const { body } = await bed.api.get<MatchAnswer>(`/api/onboarding/matches/${matchId}?pageSize=500${query}`);
    return body.proposals;
  }

  const ids = (list: ProposalView[], misRef: string, smartAssessorId?: string): string[] =>
    list.filter((p) => p.misRef === misRef && (smartAssessorId === undefined || p.smartAssessorId === smartAssessorId)).map((p) => p.proposalId);

  async function held(): Promise<Record<string, string | null>> {
    const rows = (await bed.db.query(
      `SELECT learner_ident AS ref, smart_assessor_id AS held FROM learner
       UNION ALL SELECT ref, additional_id FROM organisation UNION ALL SELECT ref, additional_id FROM officer ORDER BY 1`,
    )) as Array<{ ref: string; held: string | null }>;
    return Object.fromEntries(rows.map((row) => [row.ref, row.held]));
  }

  it('answers at once and leaves the reading to a worker: the match waits for one, then reads page by page, with its progress', async () => {
    await load({ onboardingWorker: false });
    const started = await bed.api.post('/api/onboarding/matches');
    expect(started.status).to.equal(202);
    const { matchId } = started.body as { matchId: string };
    const waiting = (await bed.api.get<MatchAnswer>(`/api/onboarding/matches/${matchId}`)).body;
    expect(waiting).to.include({ state: 'running', totalItems: 0 });
    expect(waiting.progress).to.deep.equal({ pagesRead: 0, pagesTotal: null });
    expect(bed.simulator.store.counters.requests, 'the request itself asks Smart Assessor nothing').to.equal(0);
    expect((await bed.api.post('/api/onboarding/matches')).body, 'asked again while it runs: the same match').to.deep.equal({ matchId });

    await bed.startOnboardingWorker();
    await waitFor('the match to be ready', async () => (await bed.api.get<MatchAnswer>(`/api/onboarding/matches/${matchId}`)).body.state === 'ready', 30_000);
    const ready = (await bed.api.get<MatchAnswer>(`/api/onboarding/matches/${matchId}`)).body;
    // Learners: 1,109 in three pages of 500; employers and assessors one page each.
    expect(ready.progress).to.deep.equal({ pagesRead: 5, pagesTotal: 5 });
    expect(ready.smartAssessorRecords).to.deep.equal({ learners: 9 + STRANGERS, employers: 5, assessors: 2 });
    const { byOperation } = bed.simulator.store.counters;
    expect(byOperation).to.deep.equal({ createToken: 1, listLearners: 3, listEmployers: 1, listAssessors: 1 });
  });

  it('proposes for every unlinked record the Smart Assessor record it is, with its basis and whether it is unique', async () => {
    await load();
    const matchId = await bed.match();
    const answer = (await bed.api.get<MatchAnswer>(`/api/onboarding/matches/${matchId}?pageSize=500`)).body;
    expect((await proposals(matchId, '&kind=learner')).map(describeProposal)).to.deep.equal(EXPECTED_LEARNER_PROPOSALS);
    expect((await proposals(matchId, '&kind=organisation')).map(describeProposal)).to.deep.equal(EXPECTED_ORGANISATION_PROPOSALS);
    expect((await proposals(matchId, '&kind=officer')).map(describeProposal)).to.deep.equal(EXPECTED_OFFICER_PROPOSALS);
    expect(answer.unmatched).to.deep.equal(EXPECTED_UNMATCHED);
    expect(answer.totalItems).to.equal(12);
    expect(answer.proposals.every((p) => p.linked === false)).to.equal(true);
    expect(answer.proposals.find((p) => p.misRef === 'L000003')).to.include({ misName: 'Amira Khan3', smartAssessorName: 'Amira Khan3' });
    expect(answer.counts).to.deep.equal([
      { kind: 'learner', basis: 'misReference', proposals: 1, records: 1, unique: 1, linked: 0 },
      { kind: 'learner', basis: 'uln', proposals: 1, records: 1, unique: 1, linked: 0 },
      { kind: 'learner', basis: 'name-dob', proposals: 6, records: 5, unique: 2, linked: 0 },
      { kind: 'organisation', basis: 'misReference', proposals: 1, records: 1, unique: 1, linked: 0 },
      { kind: 'organisation', basis: 'edrs', proposals: 1, records: 1, unique: 1, linked: 0 },
      { kind: 'organisation', basis: 'name-postcode', proposals: 1, records: 1, unique: 1, linked: 0 },
      { kind: 'officer', basis: 'email', proposals: 1, records: 1, unique: 1, linked: 0 },
    ]);
    expect((await proposals(matchId, '&unique=true')).length).to.equal(8);
    expect((await proposals(matchId, '&kind=learner&basis=name-dob&unique=false')).map((p) => p.misRef)).to.deep.equal(['L000005', 'L000005', 'L000006', 'L000007']);
  });

  it('accepting every unique proposal links exactly those, each with a sync event, and sends nothing to Smart Assessor; accepting again changes nothing', async () => {
    await load();
    const matchId = await bed.match();
    const before = await held();
    const storeBefore = bed.simulator.store.stats();
    bed.simulator.store.resetCounters();

    const accepted = await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, { allUnique: true });
    expect(accepted.status).to.equal(200);
    expect(accepted.body).to.deep.equal({ linked: 8, skipped: [] });

    const expected = { ...before, ...UNIQUE_LINKS.learner, ...UNIQUE_LINKS.organisation, ...UNIQUE_LINKS.officer };
    expect(await held()).to.deep.equal(expected);
    expect(bed.simulator.store.counters.requests, 'accepting only writes the MIS').to.equal(0);
    expect(bed.simulator.store.stats()).to.deep.equal(storeBefore);
    const events = (await bed.db.query(
      `SELECT subject_type, subject_ref, learner_id IS NOT NULL AS of_learner, outcome, changes FROM sync_event WHERE queue = 'onboarding' ORDER BY subject_type, subject_ref`,
    )) as Array<{ subject_type: string; subject_ref: string; of_learner: boolean; outcome: string; changes: unknown[] }>;
    expect(events.map((e) => `${e.subject_type} ${e.subject_ref} ${e.outcome}`)).to.deep.equal([
      'learner L000001 changed',
      'learner L000002 changed',
      'learner L000003 changed',
      'learner L000004 changed',
      'officer OFF1 changed',
      'organisation ORG1 changed',
      'organisation ORG2 changed',
      'organisation ORG3 changed',
    ]);
    expect(events[1]!.changes).to.deep.equal([{ record: 'learner L000002', field: 'smartAssessorId', from: null, to: 'lrn-h2', direction: 'pull' }]);
    expect(events[5]!.changes).to.deep.equal([{ record: 'organisation ORG1', field: 'additionalId', from: null, to: 'emp-h1', direction: 'pull' }]);
    const history = (await bed.api.get('/api/learners/L000002/history')).body as { items: Array<{ queue: string }> };
    expect(history.items.map((item) => item.queue)).to.deep.equal(['onboarding']);

    const linkedView = await proposals(matchId, '&unique=true');
    expect(linkedView.every((p) => p.linked)).to.equal(true);
    expect((await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, { allUnique: true })).body).to.deep.equal({ linked: 0, skipped: [] });
    const again = await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, { proposalIds: linkedView.map((p) => p.proposalId) });
    expect(again.body.linked).to.equal(0);
    expect(again.body.skipped).to.deep.equal(linkedView.map((p) => ({ proposalId: p.proposalId, reason: 'already linked: this proposal was accepted before' })));
    expect(await held()).to.deep.equal(expected);
    expect((await bed.db.query(`SELECT count(*)::int AS n FROM sync_event WHERE queue = 'onboarding'`))[0].n).to.equal(8);
  });

  it('links an ambiguous proposal the admin chooses, and one of two MIS records that claim one Smart Assessor record', async () => {
    await load();
    const matchId = await bed.match();
    const list = await proposals(matchId, '&kind=learner');
    const [chosen] = ids(list, 'L000005', 'lrn-h5b');
    const [other] = ids(list, 'L000005', 'lrn-h5a');
    const [kim6] = ids(list, 'L000006');
    const [kim7] = ids(list, 'L000007');
    const answer = await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, { proposalIds: [chosen, kim7, kim6] });
    expect(answer.body).to.deep.equal({
      linked: 2,
      skipped: [{ proposalId: kim6, reason: `Smart Assessor learner lrn-kim is linked by proposal ${kim7} of this same request` }],
    });
    const now = await held();
    expect([now.L000005, now.L000006, now.L000007]).to.deep.equal(['lrn-h5b', null, 'lrn-kim']);
    const later = await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, { proposalIds: [other, kim6] });
    expect(later.body).to.deep.equal({
      linked: 0,
      skipped: [
        { proposalId: other, reason: 'learner L000005 was linked meanwhile: its Smart Assessor ID is lrn-h5b' },
        { proposalId: kim6, reason: 'Smart Assessor learner lrn-kim is already linked to learner L000007' },
      ],
    });
  });

  it('skips, with the reason, a record linked meanwhile and a Smart Assessor record another record took meanwhile', async () => {
    await load();
    const matchId = await bed.match();
    expect((await bed.api.put('/api/learners/L000002/smart-assessor-id', { smartAssessorId: 'lrn-other' })).status).to.equal(200);
    expect((await bed.api.put('/api/learners/L000010/smart-assessor-id', { smartAssessorId: 'lrn-h3' })).status).to.equal(200);
    expect((await bed.api.put('/api/officers/OFF2/additional-id', { additionalId: 'asr-h1' })).status).to.equal(200);
    const list = await proposals(matchId);
    const answer = await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, { allUnique: true });
    expect(answer.body.linked).to.equal(5);
    expect(answer.body.skipped).to.deep.equal([
      { proposalId: ids(list, 'L000002')[0], reason: 'learner L000002 was linked meanwhile: its Smart Assessor ID is lrn-other' },
      { proposalId: ids(list, 'L000003')[0], reason: 'Smart Assessor learner lrn-h3 is already linked to learner L000010' },
      { proposalId: ids(list, 'OFF1')[0], reason: 'Smart Assessor assessor asr-h1 is already linked to officer OFF2' },
    ]);
    const now = await held();
    expect([now.L000001, now.L000002, now.L000003, now.L000004, now.OFF1]).to.deep.equal(['lrn-orig1', 'lrn-other', null, 'lrn-h4', null]);
  });

  it('never proposes again a Smart Assessor record linked since: a second match offers only what is left', async () => {
    await load();
    const first = await bed.match();
    await bed.api.post(`/api/onboarding/matches/${first}/accept`, { allUnique: true });
    const second = await bed.match();
    expect(second).not.to.equal(first);
    expect((await proposals(second)).map(describeProposal)).to.deep.equal([
      'L000005 → lrn-h5a (name-dob, 2 candidates)',
      'L000005 → lrn-h5b (name-dob, 2 candidates)',
      'L000006 → lrn-kim (name-dob, 1 candidate, claimed by another)',
      'L000007 → lrn-kim (name-dob, 1 candidate, claimed by another)',
    ]);
    const listed = (await bed.api.get('/api/onboarding/matches')).body as { items: Array<{ matchId: string; state: string }> };
    expect(listed.items.map((item) => item.matchId)).to.deep.equal([second, first]);
  });

  it('keeps its place through 429s: a read the budget refuses waits for Retry-After and is sent again', async () => {
    await load({ simulator: { faults: { rateLimitRate: 0.4, retryAfterSeconds: 1, operations: ['listLearners', 'listEmployers', 'listAssessors'] } } });
    const matchId = await bed.match();
    expect(bed.simulator.store.counters.injected.rateLimited).to.be.greaterThan(0);
    expect((await proposals(matchId, '&kind=learner')).map(describeProposal)).to.deep.equal(EXPECTED_LEARNER_PROPOSALS);
  });

  it('fails with the reason when Smart Assessor refuses the credentials, and has nothing to accept', async () => {
    await load();
    bed.simulator.store.credentials.password = 'changed-by-the-site';
    const { matchId } = (await bed.api.post('/api/onboarding/matches')).body as { matchId: string };
    const failed = await waitFor(
      'the match to fail',
      async () => {
        const { body } = await bed.api.get<MatchAnswer>(`/api/onboarding/matches/${matchId}`);
        return body.state === 'failed' ? body : null;
      },
      30_000,
    );
    expect(failed.error).to.match(/refused the API username, password or client key/);
    const accept = await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, { allUnique: true });
    expect(accept.status).to.equal(409);
    expect(accept.body.error.message).to.contain('is failed');
  });

  it('gives the proposals as CSV, one line each, a formula-like name made harmless', async () => {
    bed = await startOnboardingBed();
    const records = existingSmartAssessorRecords();
    records.employers!.find((e) => e.id === 'emp-h2')!.name = '=bolt fabrication';
    const document = existingProviderDocument();
    document.organisations!.find((o) => o.ref === 'ORG2')!.name = '=Bolt Fabrication';
    await bed.load(document, records);
    const matchId = await bed.match();
    const csv = await bed.api.get(`/api/onboarding/matches/${matchId}/proposals.csv`);
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).to.match(/^attachment; filename="?onboarding-proposals-[0-9a-f]{8}\.csv"?$/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).to.equal('proposalId,kind,misRef,misName,smartAssessorId,smartAssessorName,basis,unique,candidates,linked');
    expect(lines).to.have.length(13);
    expect(lines.find((line) => line.includes(',L000002,'))).to.match(/^\d+,learner,L000002,Amira Khan2,lrn-h2,Amira Kahn 2,uln,true,1,false$/);
    expect(lines.find((line) => line.includes(',ORG2,'))).to.match(/^\d+,organisation,ORG2,'=Bolt Fabrication,emp-h2,'=bolt fabrication,name-postcode,true,1,false$/);
    const learnersOnly = await bed.api.get(`/api/onboarding/matches/${matchId}/proposals.csv?kind=learner`);
    expect(learnersOnly.text.trimEnd().split('\r\n')).to.have.length(1 + EXPECTED_LEARNER_PROPOSALS.length);
  });

  it('refuses bad requests with the field and reason, and answers 404 for a match that does not exist', async () => {
    await load();
    const matchId = await bed.match();
    const both = await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, { allUnique: true, proposalIds: ['1'] });
    expect(both.status).to.equal(400);
    expect(both.body.error.fields).to.deep.equal({ allUnique: 'cannot be sent with proposalIds' });
    const neither = await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, {});
    expect(neither.body.error.fields).to.deep.equal({ proposalIds: 'is required: the proposals to accept, or allUnique: true' });
    const badId = await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, { proposalIds: ['7', 'seven', 8] });
    expect(badId.status).to.equal(400);
    expect(badId.body.error.fields).to.deep.equal({
      'proposalIds[1]': 'must be a proposal id (its digits, as text)',
      'proposalIds[2]': 'must be a proposal id (its digits, as text)',
    });
    const notTrue = await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, { allUnique: false });
    expect(notTrue.body.error.fields).to.deep.equal({ allUnique: 'must be true (or send proposalIds instead)' });
    const unknown = await bed.api.post(`/api/onboarding/matches/${matchId}/accept`, { proposalIds: ['999999'] });
    expect(unknown.body).to.deep.equal({ linked: 0, skipped: [{ proposalId: '999999', reason: `match ${matchId} has no proposal 999999` }] });
    const badKind = await bed.api.get(`/api/onboarding/matches/${matchId}?kind=employer`);
    expect(badKind.status).to.equal(400);
    expect(badKind.body.error.fields).to.deep.equal({ kind: 'must be one of learner, organisation, officer' });
    expect((await bed.api.get('/api/onboarding/matches/00000000-0000-4000-8000-000000000000')).status).to.equal(404);
    expect((await bed.api.get('/api/onboarding/matches/not-a-match')).status).to.equal(404);
    expect((await bed.api.post('/api/onboarding/matches/00000000-0000-4000-8000-000000000000/accept', { allUnique: true })).status).to.equal(404);
  });
});
