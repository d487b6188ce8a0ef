// SPEC.md §2 settings, the Connection Test, Refresh Qualification Links and the notification Test. The password, client key and webhook URL are write-only.
import { get, post, put } from './api.js';
import { byId, dateTime, h, problemText, replace, say } from './dom.js';
import { startPage } from './layout.js';

const MODES = [
  ['None', 'None'],
  ['Push', 'Push PICS Data to Smart Assessor'],
  ['Pull', 'Update PICS From Smart Assessor Data'],
];

const FIELDS = [
  { name: 'integrationEnabled', label: 'Integration Enabled', type: 'checkbox' },
  { name: 'baseUrl', label: 'Smart Assessor base URL', type: 'text', hint: 'blank: the deployment default' },
  { name: 'username', label: 'Username', type: 'text' },
  { name: 'password', label: 'Password', type: 'secret', setFlag: 'passwordSet' },
  { name: 'clientKey', label: 'Client Key', type: 'secret', setFlag: 'clientKeySet' },
  { name: 'sendLearnerWelcomeEmail', label: 'Send Learner Welcome Email', type: 'checkbox' },
  { name: 'setStudentIdToLrn', label: 'Set Student ID to LRN', type: 'checkbox' },
  { name: 'updateRiskFromSmartCoach', label: 'Update PICS Risk using Smart Coach Score', type: 'checkbox' },
  { name: 'learnerDemographicsMode', label: 'Update Learner Demographics Mode', type: 'mode' },
  { name: 'officerDemographicsMode', label: 'Update Officer Demographics Mode', type: 'mode' },
  { name: 'organisationDemographicsMode', label: 'Update Organisation Demographics Mode', type: 'mode' },
  { name: 'updateLearnerGender', label: 'Update Learner Gender', type: 'checkbox' },
  { name: 'secondAssessorRole', label: 'Qualification Second Assessor Role', type: 'text', hint: 'an officer role, or blank for none' },
  { name: 'pushChangesToLearnerEmployer', label: 'Push Changes to Learner Employer', type: 'checkbox' },
  { name: 'liveSync', label: 'Live Sync: send MIS changes within minutes, not only at night', type: 'checkbox' },
  { name: 'dailySchedule', label: 'Daily synchronisation at', type: 'time' },
  { name: 'timezone', label: 'Time zone', type: 'text' },
  { name: 'notificationWebhookUrl', label: 'Notification webhook URL (run alerts)', type: 'secret', setFlag: 'notificationWebhookUrlSet' },
];

function control(field, settings) {
  const id = `setting-${field.name}`;
  switch (field.type) {
    case 'checkbox':
      return h('label', { class: 'check' }, h('input', { type: 'checkbox', id, name: field.name, checked: settings[field.name] }), field.label);
    case 'mode':
      return h(
        'label',
        {},
        field.label,
        h(
          'select',
          { id, name: field.name },
          MODES.map(([value, text]) => h('option', { value, selected: settings[field.name] === value }, text)),
        ),
      );
    case 'secret':
      return h(
        'label',
        {},
        field.label,
        h('input', {
          type: 'password',
          id,
          name: field.name,
          autocomplete: 'new-password',
          placeholder: settings[field.setFlag] ? 'set (type to replace)' : 'not set',
        }),
      );
    default:
      return h('label', {}, field.label, h('input', { type: field.type, id, name: field.name, value: settings[field.name] ?? '' }), field.hint ? h('small', {}, field.hint) : null);
  }
}

function formBody(form) {
  const body = {};
  for (const field of FIELDS) {
    const input = form.elements.namedItem(field.name);
    if (field.type === 'checkbox') body[field.name] = input.checked;
    else if (field.type === 'secret') {
      if (input.value !== '') body[field.name] = input.value;
    } else if (field.type === 'mode' || field.name === 'dailySchedule' || field.name === 'timezone') body[field.name] = input.value;
    else body[field.name] = input.value.trim() === '' ? null : input.value.trim();
  }
  return body;
}

async function load() {
  const settings = await get('/api/settings');
  byId('last-synchronised').textContent = settings.lastSynchronisedAt ? dateTime(settings.lastSynchronisedAt) : 'never';
  replace(
    byId('settings-form'),
    FIELDS.map((field) => control(field, settings)),
    h('button', { type: 'submit', id: 'save-settings' }, 'Save settings'),
  );
}

byId('settings-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await put('/api/settings', formBody(event.target));
    say(byId('status'), 'Settings saved', 'ok');
    await load();
  } catch (error) {
    say(byId('status'), problemText(error), 'error');
  }
});

byId('connection-test').addEventListener('click', async (event) => {
  event.target.disabled = true;
  say(byId('connection-status'), 'Testing…', 'info');
  try {
    const result = await post('/api/connection-test');
    if (result.ok) say(byId('connection-status'), `Connected to ${result.siteName} (API ${result.apiVersion})`, 'ok');
    else say(byId('connection-status'), `Connection failed: ${result.error}`, 'error');
  } catch (error) {
    say(byId('connection-status'), problemText(error), 'error');
  } finally {
    event.target.disabled = false;
  }
});

byId('refresh-links').addEventListener('click', async (event) => {
  event.target.disabled = true;
  try {
    const counts = await post('/api/qualification-links/refresh');
    say(byId('connection-status'), `Qualification links: ${counts.linked} linked, ${counts.unlinked} unlinked, ${counts.unchanged} unchanged`, 'ok');
  } catch (error) {
    say(byId('connection-status'), problemText(error), 'error');
  } finally {
    event.target.disabled = false;
  }
});

byId('notification-test').addEventListener('click', async (event) => {
  event.target.disabled = true;
  say(byId('notification-status'), 'Sending…', 'info');
  try {
    const result = await post('/api/notification-test');
    if (result.ok) say(byId('notification-status'), `The webhook took the test notification (HTTP ${result.status})`, 'ok');
    else say(byId('notification-status'), `Test notification failed: ${result.error}`, 'error');
  } catch (error) {
    say(byId('notification-status'), problemText(error), 'error');
  } finally {
    event.target.disabled = false;
  }
});

await startPage();
await load();
