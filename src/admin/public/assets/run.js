// One run: a live progress bar until it finishes (a dry run marked as one), what it changed (or would have), the settings it works under, then each failure with its reason.
import { ApiError, get } from './api.js';
import { byId, dash, dateTime, h, pager, problemText, replace, say, table, yesNo } from './dom.js';
import { startPage } from './layout.js';
import { followRun, isFinished } from './progress.js';

const runId = decodeURIComponent(location.pathname.split('/').pop());
const runPath = `/api/sync/runs/${encodeURIComponent(runId)}`;

const DIRECTION = { push: 'to Smart Assessor', pull: 'to the MIS', kept: 'kept in the MIS' };
const CHANGE_FILTERS = { outcome: 'changes-outcome', queue: 'changes-queue', field: 'changes-field', direction: 'changes-direction' };

function valueText(value) {
  return value === null || value === undefined || value === '' ? '(blank)' : String(value);
}

/** The changes' filters as a query (only those set). */
function changesQuery() {
  const query = new URLSearchParams();
  for (const [name, id] of Object.entries(CHANGE_FILTERS)) {
    const value = byId(id).value.trim();
    if (value) query.set(name, value);
  }
  return query;
}

function subjectCell(row) {
  return row.subjectType === 'learner' ? h('a', { href: `/learners/${encodeURIComponent(row.subjectRef)}` }, row.subjectRef) : `${row.subjectType} ${row.subjectRef}`;
}

/** One row per change; an event without changes (a failure, a skip) is one row. */
function changeRows(events) {
  return events.flatMap((event) => (event.changes.length ? event.changes.map((change) => ({ event, change })) : [{ event, change: null }]));
}

let changesShown = 0;
let changesPage = 1;

/** Page `page` of the run's sync events under the filters, and the CSV link for them all. */
async function showChanges(page = 1) {
  const mine = ++changesShown;
  changesPage = page;
  const filters = changesQuery();
  const query = new URLSearchParams(filters);
  query.set('page', String(page));
  const events = await get(`${runPath}/changes?${query}`);
  // The filters changed again while this page was asked for: the later answer is the one to show.
  if (mine !== changesShown) return;
  byId('changes-csv').href = `${runPath}/changes.csv?${filters}`;
  replace(
    byId('changes'),
    table(
      [
        { label: 'Subject', value: ({ event }) => subjectCell(event) },
        { label: 'Queue', value: ({ event }) => event.queue },
        { label: 'Outcome', value: ({ event }) => h('span', { class: `outcome ${event.outcome}` }, event.outcome) },
        { label: 'Record', value: ({ change }) => (change ? change.record : '—') },
        { label: 'Field', value: ({ change }) => (change ? change.field : '—') },
        { label: 'From', value: ({ change }) => (change ? valueText(change.from) : '—') },
        { label: 'To', value: ({ change }) => (change ? valueText(change.to) : '—') },
        { label: 'Direction', value: ({ change }) => (change ? `${change.direction} (${DIRECTION[change.direction] ?? change.direction})` : '—') },
        { label: 'Error', value: ({ event }) => (event.error ? h('span', { class: 'error-text' }, event.error) : '—') },
      ],
      changeRows(events.items),
      { empty: 'No changes match the filters', id: 'changes-table' },
    ),
    events.totalItems > events.pageSize ? pager(events, showChanges) : null,
  );
}

function reloadChanges() {
  showChanges(1).catch((error) => say(byId('status'), problemText(error), 'error'));
}

byId('changes-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  reloadChanges();
});
byId('changes-filter').addEventListener('change', reloadChanges);

async function showFailures(page = 1) {
  const failures = await get(`/api/sync/runs/${encodeURIComponent(runId)}/failures?page=${page}`);
  replace(
    byId('failures'),
    table(
      [
        { label: 'When', value: (failure) => dateTime(failure.at) },
        { label: 'Queue', value: (failure) => failure.queue },
        {
          label: 'Record',
          value: (failure) =>
            failure.subjectType === 'learner'
              ? h('a', { href: `/learners/${encodeURIComponent(failure.subjectRef)}` }, failure.subjectRef)
              : `${failure.subjectType} ${failure.subjectRef}`,
        },
        { label: 'Reason', value: (failure) => h('span', { class: 'error-text' }, failure.error ?? 'no reason recorded') },
      ],
      failures.items,
      { empty: 'No failures', id: 'failure-table' },
    ),
    failures.totalItems > failures.pageSize ? pager(failures, showFailures) : null,
  );
}

const MODE = { None: 'None', Push: 'Push PICS Data to Smart Assessor', Pull: 'Update PICS From Smart Assessor Data' };

/** The settings the run recorded when it started (SyncRun.settings), in the settings page's words. */
function showSettings(settings) {
  if (!settings) {
    replace(byId('run-settings'), h('p', { class: 'empty' }, 'Not recorded: the run started before runs recorded their settings'));
    return;
  }
  const mapped = Object.entries(settings.reviewTypeMappings ?? {}).filter(([, code]) => code);
  const rows = [
    ['Settings saved', dateTime(settings.savedAt)],
    ['Integration Enabled', yesNo(settings.integrationEnabled)],
    ['Smart Assessor', `${settings.baseUrl ?? 'the deployment default'} as ${dash(settings.username)}`],
    ['Update Learner Demographics Mode', MODE[settings.learnerDemographicsMode]],
    ['Update Officer Demographics Mode', MODE[settings.officerDemographicsMode]],
    ['Update Organisation Demographics Mode', MODE[settings.organisationDemographicsMode]],
    ['Update Learner Gender', yesNo(settings.updateLearnerGender)],
    ['Update PICS Risk using Smart Coach Score', yesNo(settings.updateRiskFromSmartCoach)],
    ['Push Changes to Learner Employer', yesNo(settings.pushChangesToLearnerEmployer)],
    ['Qualification Second Assessor Role', dash(settings.secondAssessorRole)],
    ['Send Learner Welcome Email', yesNo(settings.sendLearnerWelcomeEmail)],
    ['Set Student ID to LRN', yesNo(settings.setStudentIdToLrn)],
    ['Review types', mapped.length ? mapped.map(([type, code]) => `${type} → ${code}`).join(', ') : 'none mapped'],
    ['Live Sync', yesNo(settings.liveSync)],
  ];
  if (settings.pushOnly) rows.push(['Direction', 'push only: a live run sends MIS changes and pulls nothing (that is the daily run’s)']);
  replace(
    byId('run-settings'),
    h(
      'dl',
      { class: 'details', id: 'run-settings-list' },
      rows.flatMap(([label, text]) => [h('dt', {}, label), h('dd', {}, text)]),
    ),
  );
}

await startPage();
try {
  let failed = -1;
  let done = -1;
  let settingsShown = false;
  const run = await followRun(runId, byId('progress'), (current) => {
    byId('run-title').textContent = `${current.dryRun ? 'Dry run' : 'Sync run'} (${current.trigger}) started ${dateTime(current.startedAt)}`;
    byId('dry-run-banner').hidden = !current.dryRun;
    if (!settingsShown) {
      settingsShown = true;
      showSettings(current.settings);
    }
    if (current.jobs.failed !== failed) {
      failed = current.jobs.failed;
      showFailures();
    }
    // While the run goes on its changes come in: the page shown keeps up (the finished run's are shown below).
    const nowDone = current.jobs.completed + current.jobs.failed;
    if (nowDone !== done && !isFinished(current)) {
      done = nowDone;
      showChanges(changesPage).catch((error) => say(byId('status'), problemText(error), 'error'));
    }
  });
  await Promise.all([showFailures(), showChanges(changesPage)]);
  say(
    byId('status'),
    `The run ${run.state === 'completed' ? 'completed' : 'failed'}${run.finishedAt ? ` at ${dateTime(run.finishedAt)}` : ''}`,
    run.state === 'completed' ? 'ok' : 'error',
  );
} catch (error) {
  say(byId('status'), error instanceof ApiError && error.status === 404 ? `There is no run ${runId}` : error.message, 'error');
}
