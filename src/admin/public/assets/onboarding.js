// Onboarding: a match of Smart Assessor's existing records with its progress, the proposals by kind and basis to accept, and bulk enrolment with its progress and failures.
import { get, post } from './api.js';
import { byId, h, pager, problemText, replace, say, table } from './dom.js';
import { startPage } from './layout.js';
import { pause } from './progress.js';

const KIND = { learner: 'Learner', organisation: 'Employer', officer: 'Assessor' };
const BASIS = { misReference: 'misReference', uln: 'ULN', 'name-dob': 'Name and date of birth', edrs: 'EDRS number', 'name-postcode': 'Name and postcode', email: 'Email' };
const SHOW = { unique: { unique: 'true' }, choice: { unique: 'false', linked: 'false' }, unlinked: { linked: 'false' }, linked: { linked: 'true' } };

let matchId = null;
let following = 0;
let shown = 0;

const counted = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function bar(done, total, label) {
  return h('progress', { max: String(Math.max(total, 1)), value: String(Math.min(done, Math.max(total, 1))), 'aria-label': label });
}

function fit(proposal) {
  if (proposal.unique) return h('span', { class: 'badge ok' }, 'unique');
  if (proposal.candidates > 1) return h('span', { class: 'badge' }, `choose one of ${proposal.candidates}`);
  return h('span', { class: 'badge' }, 'claimed by another record');
}

function misRecord(proposal) {
  const ref = proposal.kind === 'learner' ? h('a', { href: `/learners/${encodeURIComponent(proposal.misRef)}` }, proposal.misRef) : proposal.misRef;
  return [ref, ` ${proposal.misName}`];
}

function filterQuery() {
  const query = new URLSearchParams();
  if (byId('filter-kind').value) query.set('kind', byId('filter-kind').value);
  if (byId('filter-basis').value) query.set('basis', byId('filter-basis').value);
  for (const [name, value] of Object.entries(SHOW[byId('filter-show').value] ?? {})) query.set(name, value);
  return query;
}

/** Follows the match until it is ready or failed, showing its progress; then its counts and proposals. */
async function showMatch(id) {
  matchId = id;
  const mine = ++following;
  byId('start-match').disabled = true;
  for (;;) {
    const match = await get(`/api/onboarding/matches/${id}?pageSize=1`);
    if (mine !== following) return;
    const { pagesRead, pagesTotal } = match.progress;
    replace(
      byId('match-progress'),
      h(
        'div',
        { class: 'run-progress', dataset: { state: match.state } },
        bar(match.state === 'running' ? pagesRead : 1, match.state === 'running' ? (pagesTotal ?? 1) : 1, 'pages read'),
        h(
          'p',
          { class: 'progress-text', id: 'match-state' },
          h('strong', { class: `state ${match.state}` }, match.state),
          match.state === 'running'
            ? ` · Smart Assessor pages read: ${pagesRead} of ${pagesTotal ?? '…'}`
            : match.smartAssessorRecords
              ? ` · read ${match.smartAssessorRecords.learners} learners, ${match.smartAssessorRecords.employers} employers and ${match.smartAssessorRecords.assessors} assessors`
              : '',
        ),
      ),
    );
    if (match.state === 'failed') say(byId('match-status'), `The match failed: ${match.error}`, 'error');
    if (match.state !== 'running') {
      byId('start-match').disabled = false;
      if (match.state === 'ready') await showProposals();
      return;
    }
    await pause();
  }
}

async function showProposals(page = 1) {
  const mine = ++shown;
  const query = filterQuery();
  query.set('page', String(page));
  query.set('pageSize', '50');
  const match = await get(`/api/onboarding/matches/${matchId}?${query}`);
  // A filter changed again while this page was asked for: the later answer is the one to show.
  if (mine !== shown) return;
  const csv = byId('csv-link');
  const filters = filterQuery().toString();
  csv.href = `/api/onboarding/matches/${matchId}/proposals.csv${filters ? `?${filters}` : ''}`;
  csv.hidden = false;
  byId('review-panel').hidden = false;
  const unique = match.counts.reduce((sum, count) => sum + count.unique - Math.min(count.unique, count.linked), 0);
  replace(
    byId('match-counts'),
    table(
      [
        { label: 'Kind', value: (count) => KIND[count.kind] },
        { label: 'Basis', value: (count) => BASIS[count.basis] },
        { label: 'Records', value: (count) => count.records },
        { label: 'Proposals', value: (count) => count.proposals },
        { label: 'Unique', value: (count) => count.unique },
        { label: 'Linked', value: (count) => count.linked },
      ],
      match.counts,
      { empty: 'Nothing in Smart Assessor fits an unlinked MIS record', id: 'counts-table' },
    ),
    h(
      'p',
      { id: 'unmatched' },
      `Not found in Smart Assessor (to enrol): ${counted(match.unmatched.learners, 'learner')}, ${counted(match.unmatched.organisations, 'employer')}, ${counted(match.unmatched.officers, 'assessor')}.`,
    ),
  );
  byId('accept-unique').disabled = unique === 0;
  replace(
    byId('proposals'),
    table(
      [
        {
          label: '',
          value: (p) => h('input', { type: 'checkbox', class: 'pick', value: p.proposalId, disabled: p.linked, 'aria-label': `select ${p.misRef} → ${p.smartAssessorId}` }),
        },
        { label: 'Kind', value: (p) => KIND[p.kind] },
        { label: 'MIS record', value: misRecord },
        { label: 'Smart Assessor record', value: (p) => `${p.smartAssessorId} ${p.smartAssessorName}` },
        { label: 'Basis', value: (p) => BASIS[p.basis] },
        { label: 'Fit', value: fit },
        {
          label: 'Linked',
          value: (p) =>
            p.linked
              ? h('span', { class: 'badge ok' }, 'linked')
              : h('button', { type: 'button', class: 'secondary accept-one', onclick: () => accept({ proposalIds: [p.proposalId] }) }, 'Accept'),
        },
      ],
      match.proposals,
      { empty: 'No proposal matches the filter', id: 'proposal-table' },
    ),
    match.totalItems > match.pageSize ? pager(match, showProposals) : null,
  );
}

async function accept(body) {
  const status = byId('accept-status');
  try {
    const answer = await post(`/api/onboarding/matches/${matchId}/accept`, body);
    const skipped = answer.skipped.length ? ` Not linked: ${answer.skipped.map((s) => s.reason).join('; ')}.` : '';
    say(status, `Linked ${answer.linked}.${skipped}`, answer.skipped.length ? 'info' : 'ok');
  } catch (error) {
    say(status, problemText(error), 'error');
  }
  await showProposals();
}

/** Follows a bulk enrolment until every learner is enrolled or failed. */
async function showBatch(batchId) {
  for (;;) {
    const batch = await get(`/api/enrolments/${batchId}`);
    const done = batch.enrolled + batch.failed;
    replace(
      byId('batch-progress'),
      h(
        'div',
        { class: 'run-progress', dataset: { state: batch.state } },
        bar(done, batch.total, 'learners done'),
        h(
          'p',
          { class: 'progress-text', id: 'batch-state' },
          h('strong', { class: `state ${batch.state === 'finished' ? 'completed' : 'running'}` }, batch.state),
          ` · ${batch.enrolled} of ${batch.total} enrolled`,
          batch.failed ? h('span', { class: 'error-text' }, ` · ${batch.failed} failed`) : '',
          batch.waiting ? ` · ${batch.waiting} waiting (${batch.inQueue} in the enrolment queue)` : '',
        ),
      ),
    );
    replace(
      byId('batch-failures'),
      batch.failures.length
        ? table(
            [
              { label: 'Learner', value: (f) => h('a', { href: `/learners/${encodeURIComponent(f.learnerIdent)}` }, f.learnerIdent) },
              { label: 'Why it was not enrolled', value: (f) => h('span', { class: 'error-text' }, f.error) },
            ],
            batch.failures,
            { id: 'batch-failures-table' },
          )
        : null,
    );
    if (batch.state === 'finished') return;
    await pause();
  }
}

async function enrol(body) {
  const status = byId('enrol-status');
  try {
    const { batchId, learners } = await post('/api/enrolments', body);
    say(status, `Enrolling ${counted(learners, 'learner')}.`, 'ok');
    await showBatch(batchId);
    await showProposalsIfReady();
  } catch (error) {
    say(status, problemText(error), 'error');
  }
}

async function showProposalsIfReady() {
  if (matchId && !byId('review-panel').hidden) await showProposals();
}

byId('start-match').addEventListener('click', async () => {
  say(byId('match-status'), '');
  try {
    const { matchId: started } = await post('/api/onboarding/matches');
    await showMatch(started);
  } catch (error) {
    say(byId('match-status'), problemText(error), 'error');
  }
});
byId('accept-unique').addEventListener('click', () => accept({ allUnique: true }));
byId('accept-selected').addEventListener('click', () => {
  const proposalIds = [...document.querySelectorAll('#proposal-table input.pick:checked')].map((box) => box.value);
  if (proposalIds.length === 0) say(byId('accept-status'), 'Select the proposals to accept first', 'error');
  else accept({ proposalIds });
});
for (const id of ['filter-kind', 'filter-basis', 'filter-show']) byId(id).addEventListener('change', () => showProposals());
byId('enrol-all').addEventListener('click', () => enrol({ allUnenrolled: true }));
byId('enrol-list').addEventListener('submit', (event) => {
  event.preventDefault();
  const learnerIdents = byId('learner-idents')
    .value.split(/[\s,]+/)
    .filter(Boolean);
  if (learnerIdents.length === 0) say(byId('enrol-status'), 'Type the Learner Idents to enrol first', 'error');
  else enrol({ learnerIdents });
});

await startPage();
const [matches, batches] = await Promise.all([get('/api/onboarding/matches?pageSize=1'), get('/api/enrolments?pageSize=1')]);
if (matches.items[0]) await showMatch(matches.items[0].matchId);
if (batches.items[0]) await showBatch(batches.items[0].batchId);
