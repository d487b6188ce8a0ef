// One run: a live progress bar until it finishes, the settings it works under, then each failure with its reason.
import { ApiError, get } from './api.js';
import { byId, dash, dateTime, h, pager, replace, say, table, yesNo } from './dom.js';
import { startPage } from './layout.js';
import { followRun } from './progress.js';

const runId = decodeURIComponent(location.pathname.split('/').pop());

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
            failure.subjectType === 'learner' ? h('a', { href: `/learners/${encodeURIComponent(failure.subjectRef)}` }, failure.subjectRef) : `${failure.subjectType} ${failure.subjectRef}`,
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
  replace(byId('run-settings'), h('dl', { class: 'details', id: 'run-settings-list' }, rows.flatMap(([label, text]) => [h('dt', {}, label), h('dd', {}, text)])));
}

await startPage();
try {
  let failed = -1;
  let settingsShown = false;
  const run = await followRun(runId, byId('progress'), (current) => {
    byId('run-title').textContent = `Sync run (${current.trigger}) started ${dateTime(current.startedAt)}`;
    if (!settingsShown) {
      settingsShown = true;
      showSettings(current.settings);
    }
    if (current.jobs.failed !== failed) {
      failed = current.jobs.failed;
      showFailures();
    }
  });
  await showFailures();
  say(byId('status'), `The run ${run.state === 'completed' ? 'completed' : 'failed'}${run.finishedAt ? ` at ${dateTime(run.finishedAt)}` : ''}`, run.state === 'completed' ? 'ok' : 'error');
} catch (error) {
  say(byId('status'), error instanceof ApiError && error.status === 404 ? `There is no run ${runId}` : error.message, 'error');
}
