// One learner: details, enrolment with preview, "Update Learner In Smart Assessor" and "Preview next sync", the Smart Assessor ID, and the change history.
import { ApiError, get, post, put } from './api.js';
import { byId, dash, dateTime, h, problemText, replace, say, table, yesNo } from './dom.js';
import { showHistory } from './history.js';
import { startPage } from './layout.js';
import { followRun, pause } from './progress.js';

const ident = decodeURIComponent(location.pathname.split('/').pop());
const base = `/api/learners/${encodeURIComponent(ident)}`;
const status = byId('status');
let learner;

/** How long the page watches for a queued enrolment to finish before pointing at the dashboard. */
const ENROLMENT_WAIT_MS = 3 * 60 * 1000;

const COMPLETION = { 1: 'Continuing', 2: 'Completed', 3: 'Withdrawn', 6: 'Break in learning' };
const OUTCOME = { 1: 'Achieved', 2: 'Partial', 3: 'No achievement', 8: 'Outcome unknown' };

function detail(label, value) {
  return [h('dt', {}, label), h('dd', {}, value)];
}

function showSummary() {
  byId('learner-name').textContent = `${learner.firstName} ${learner.surname} (${learner.learnerIdent})`;
  document.title = `${learner.firstName} ${learner.surname} · Smart Assessor integration`;
  const state = learner.inLearning ? 'In learning' : learner.endedOn ? `Ended ${learner.endedOn}` : 'No learning aims';
  replace(
    byId('summary'),
    h(
      'dl',
      { class: 'details' },
      detail('Status', `${learner.systemStatus} · ${state}`),
      detail('Eligible for the daily sync', h('span', { id: 'eligible', class: learner.eligible ? 'badge ok' : 'badge' }, yesNo(learner.eligible))),
      detail('Smart Assessor ID', h('span', { id: 'smart-assessor-id' }, dash(learner.smartAssessorId))),
      detail('LRN', dash(learner.lrn)),
      detail('ULN', dash(learner.uln)),
      detail('Date of birth', dash(learner.dateOfBirth)),
      detail('Email', dash(learner.email)),
      detail('Employer', learner.placementOrganisation ? `${learner.placementOrganisation.name} (${learner.placementOrganisation.ref})` : '—'),
      detail('Main officer', learner.mainOfficer ? `${learner.mainOfficer.name} (${learner.mainOfficer.ref})` : '—'),
      detail('Other officers', learner.officerRoles.length ? learner.officerRoles.map((role) => `${role.role}: ${role.officerRef}`).join(', ') : '—'),
      detail('OTJ hours', `${dash(learner.actualOtjHours)} of ${dash(learner.plannedOtjHours)} planned`),
      detail('Risk', dash(learner.riskBand)),
      detail('Last synchronised', h('span', { id: 'last-synced' }, dateTime(learner.lastSyncedAt))),
      detail('Last error', learner.lastError ? h('span', { class: 'error-text', id: 'last-error' }, learner.lastError) : '—'),
    ),
  );
  byId('sa-id').value = learner.smartAssessorId ?? '';
}

/** Where each aim stands with Smart Assessor (LearnerView `inSmartAssessor`). */
const IN_SMART_ASSESSOR = {
  enrolled: (aim) => aim.smartAssessorLearnerCourseId ?? 'enrolled (the course of the aim it restarts)',
  'to-enrol': () => (learner.smartAssessorId ? 'supported: enrolled at the next sync' : 'supported'),
  unsupported: () => 'not supported',
  superseded: () => 'superseded by a restart aim',
};

/** An enrolled learner's aims Smart Assessor does not support: skipped, not failed, and said so here. */
function unsupportedNotice() {
  const unsupported = learner.qualifications.filter((aim) => aim.inSmartAssessor === 'unsupported');
  if (!learner.smartAssessorId || unsupported.length === 0) return null;
  return h(
    'div',
    { class: 'notice', id: 'unsupported-aims' },
    h('p', {}, 'Not in Smart Assessor, because it does not support the qualification (skipped, not failed):'),
    h(
      'ul',
      {},
      unsupported.map((aim) => h('li', {}, `${aim.aimRef} (${aim.reference} ${aim.title})`)),
    ),
    h('p', {}, 'Once Smart Assessor offers the course, Refresh Qualification Links (Settings): the next sync enrols the aim.'),
  );
}

function showRecords() {
  replace(
    byId('qualifications'),
    unsupportedNotice(),
    table(
      [
        { label: 'Aim', value: (aim) => aim.aimRef },
        { label: 'Qualification', value: (aim) => `${aim.reference} ${aim.title}` },
        { label: 'In Smart Assessor', value: (aim) => IN_SMART_ASSESSOR[aim.inSmartAssessor](aim) },
        { label: 'Dates', value: (aim) => `${aim.startDate} → ${aim.actualEndDate ?? aim.plannedEndDate}${aim.actualEndDate ? '' : ' (planned)'}` },
        { label: 'Status', value: (aim) => COMPLETION[aim.completionStatus] + (aim.outcome ? `, ${OUTCOME[aim.outcome]}` : '') },
        { label: 'Progress', value: (aim) => (aim.elementsTotal ? `${aim.elementsDone ?? 0} of ${aim.elementsTotal}` : '—') },
        { label: 'Restart of', value: (aim) => dash(aim.restartOf) },
      ],
      learner.qualifications,
      { empty: 'No learning aims', id: 'qualification-table' },
    ),
  );
  replace(
    byId('reviews'),
    table(
      [
        { label: 'Review', value: (review) => review.reviewIdent },
        { label: 'Type', value: (review) => review.reviewType },
        { label: 'Planned', value: (review) => dash(review.plannedDate) },
        { label: 'Actual', value: (review) => dash(review.actualDate) },
        { label: 'Officer', value: (review) => dash(review.officerRef) },
        { label: 'Attended', value: (review) => review.attendedStatus },
        { label: 'Smart Assessor System ID', value: (review) => dash(review.smartAssessorSystemId) },
        { label: 'Notes', value: (review) => dash(review.notes) },
      ],
      learner.reviews,
      { empty: 'No reviews', id: 'review-table' },
    ),
  );
  replace(
    byId('breaks'),
    table(
      [
        { label: 'Last day in learning', value: (entry) => entry.lastDayInLearning },
        { label: 'Returned', value: (entry) => entry.returnDate ?? 'not yet' },
      ],
      learner.breaksInLearning,
      { empty: 'No breaks in learning' },
    ),
  );
}

function showLearnerHistory() {
  return showHistory(byId('history'), `${base}/history`);
}

function linkText(preview, what) {
  if (!preview) return h('span', { class: 'error-text' }, `none: the learner needs ${what}`);
  return preview.action === 'link'
    ? `${preview.name} (${preview.ref}): linked to Smart Assessor ${preview.smartAssessorId}`
    : `${preview.name} (${preview.ref}): will be created in Smart Assessor`;
}

async function showPreview() {
  const preview = await get(`${base}/enrolment-preview`);
  const problems = preview.problems.map((problem) => `${problem.record}: ${problem.field}${problem.value === undefined ? '' : ` "${problem.value}"`} ${problem.reason}`);
  replace(
    byId('preview'),
    h(
      'div',
      { id: 'enrolment-preview', class: 'preview' },
      h('h3', {}, 'What enrolment will send'),
      h(
        'dl',
        { class: 'details' },
        detail('Learner', `${preview.learner.firstName} ${preview.learner.surname} (${preview.learner.misReference})`),
        detail('Email', dash(preview.learner.email)),
        detail('Start date', dash(preview.startDate)),
        detail('Employer', linkText(preview.employer, 'a placement organisation')),
        detail('Assessor', linkText(preview.assessor, 'a Main Officer')),
        preview.secondAssessor ? detail(`Second assessor (${preview.secondAssessor.role})`, linkText(preview.secondAssessor, 'an officer in that role')) : null,
        detail('Planned OTJ hours', dash(preview.plannedOtjHours)),
      ),
      table(
        [
          { label: 'Aim', value: (aim) => aim.aimRef },
          { label: 'Qualification', value: (aim) => `${aim.reference} ${aim.title}` },
          { label: 'Supported in Smart Assessor', value: (aim) => yesNo(aim.supportedInSmartAssessor) },
          {
            label: 'Will be',
            value: (aim) =>
              ({ enrol: 'enrolled', skip: 'skipped (not supported)', enrolled: 'already enrolled', superseded: `skipped (superseded by restart aim ${aim.supersededBy})` })[
                aim.action
              ] ?? aim.action,
          },
        ],
        preview.qualifications,
        { empty: 'No qualifications to enrol', id: 'preview-qualifications' },
      ),
      problems.length
        ? h(
            'div',
            { class: 'notice error' },
            h('p', {}, 'Smart Assessor would refuse this enrolment:'),
            h(
              'ul',
              {},
              problems.map((text) => h('li', {}, text)),
            ),
          )
        : null,
      h('button', { type: 'button', id: 'create-in-sa', disabled: !preview.canEnrol, onclick: enrol }, 'Create in Smart Assessor'),
    ),
  );
}

async function enrol(event) {
  event.target.disabled = true;
  const errorBefore = learner.lastError;
  try {
    const { jobId } = await post(`${base}/enrolment`);
    say(status, `Enrolment queued (job ${jobId}); waiting for Smart Assessor…`, 'info');
    const giveUpAt = Date.now() + ENROLMENT_WAIT_MS;
    for (;;) {
      await pause();
      if (Date.now() > giveUpAt) {
        say(status, `Enrolment job ${jobId} is still queued; follow it in the Queues dashboard`, 'info');
        break;
      }
      learner = await get(base);
      if (learner.smartAssessorId) {
        say(status, `Enrolled in Smart Assessor as ${learner.smartAssessorId}`, 'ok');
        break;
      }
      if (learner.lastError && learner.lastError !== errorBefore) {
        say(status, `Enrolment failed: ${learner.lastError}`, 'error');
        break;
      }
    }
    await refresh();
  } catch (error) {
    say(status, problemText(error), 'error');
    event.target.disabled = false;
  }
}

async function updateInSmartAssessor(event) {
  event.target.disabled = true;
  try {
    const { runId, jobIds } = await post(`${base}/sync`);
    say(status, `Queued ${jobIds.length} jobs ahead of the daily run`, 'info');
    const box = h('div', { id: 'learner-run' });
    replace(byId('work'), h('p', {}, h('a', { href: `/runs/${runId}` }, 'Open this run')), box);
    const run = await followRun(runId, box);
    say(status, run.jobs.failed ? `Update finished with ${run.jobs.failed} failed job(s): see the history below` : 'Update finished', run.jobs.failed ? 'error' : 'ok');
    learner = await get(base);
    showSummary();
    showRecords();
    await showLearnerHistory();
  } catch (error) {
    say(status, problemText(error), 'error');
  } finally {
    event.target.disabled = false;
  }
}

const DIRECTION = { push: 'to Smart Assessor', pull: 'to the MIS', kept: 'kept in the MIS' };

function valueText(value) {
  return value === null || value === undefined || value === '' ? '(blank)' : String(value);
}

const counted = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the learner's next sync would change and what it would refuse, found by a dry run of their jobs (nothing written). */
function syncPreviewPanel(preview) {
  return [
    h('h3', {}, 'What the next sync would do'),
    table(
      [
        { label: 'Queue', value: (change) => change.queue },
        { label: 'Record', value: (change) => change.record },
        { label: 'Field', value: (change) => change.field },
        { label: 'From → to', value: (change) => `${valueText(change.from)} → ${valueText(change.to)}` },
        { label: 'Direction', value: (change) => `${change.direction} (${DIRECTION[change.direction] ?? change.direction})` },
      ],
      preview.changes,
      { empty: 'Nothing to change: the learner is up to date', id: 'sync-preview-changes' },
    ),
    preview.failures.length
      ? h(
          'div',
          { class: 'notice error', id: 'sync-preview-failures' },
          h('p', {}, 'The sync would hold back:'),
          h(
            'ul',
            {},
            preview.failures.map((failure) => h('li', {}, `${failure.queue}: ${[failure.record, failure.field].filter(Boolean).join(' ') || 'the job'}: ${failure.reason}`)),
          ),
        )
      : h('p', { class: 'empty', id: 'sync-preview-failures' }, 'No failures expected'),
    h(
      'p',
      { id: 'sync-preview-calls' },
      `${counted(preview.smartAssessorCalls, 'Smart Assessor call')} made to find out; ${counted(preview.smartAssessorWritesHeld, 'write')} held back (nothing was written).`,
    ),
  ];
}

async function previewSync(event) {
  event.target.disabled = true;
  const panel = h('div', { id: 'sync-preview', class: 'preview', 'aria-live': 'polite' }, h('p', { class: 'notice info' }, 'Previewing…'));
  replace(byId('preview'), panel);
  try {
    replace(panel, syncPreviewPanel(await get(`${base}/sync-preview`)));
  } catch (error) {
    replace(panel, h('p', { class: 'notice error' }, `No preview: ${problemText(error)}`));
  } finally {
    event.target.disabled = false;
  }
}

function showActions() {
  if (learner.smartAssessorId) {
    replace(
      byId('actions'),
      h('button', { type: 'button', id: 'update-in-sa', onclick: updateInSmartAssessor }, 'Update Learner In Smart Assessor'),
      ' ',
      h('button', { type: 'button', class: 'secondary', id: 'preview-sync', onclick: previewSync }, 'Preview next sync'),
    );
    replace(byId('preview'));
  } else {
    replace(byId('actions'), h('p', {}, 'Not enrolled in Smart Assessor yet.'));
  }
}

async function refresh() {
  learner = await get(base);
  showSummary();
  showRecords();
  showActions();
  if (!learner.smartAssessorId) await showPreview();
  await showLearnerHistory();
}

byId('sa-id-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const value = byId('sa-id').value.trim();
  try {
    learner = await put(`${base}/smart-assessor-id`, { smartAssessorId: value === '' ? null : value });
    say(status, value ? `Smart Assessor ID saved: ${value}` : 'Smart Assessor ID cleared', 'ok');
    await refresh();
  } catch (error) {
    say(status, problemText(error), 'error');
  }
});

await startPage();
try {
  await refresh();
} catch (error) {
  say(status, error instanceof ApiError && error.status === 404 ? `There is no learner ${ident}` : error.message, 'error');
}
