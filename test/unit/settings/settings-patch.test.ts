import { expect } from 'chai';
import { httpsUnlessLoopback, isIanaTimeZone, mappedReviewTypeCodes, newAddressProblems, settingsPatchProblems } from '../../../src/settings/settings-patch.js';

describe('settings patch validation', () => {
  it('accepts every setting with a good value, and an empty patch', () => {
    const patch = {
      integrationEnabled: false,
      baseUrl: 'http://127.0.0.1:4010/api/v1',
      username: 'api.user@provider.example',
      password: 'secret',
      clientKey: 'key',
      sendLearnerWelcomeEmail: true,
      setStudentIdToLrn: true,
      updateRiskFromSmartCoach: true,
      learnerDemographicsMode: 'Push',
      officerDemographicsMode: 'Pull',
      organisationDemographicsMode: 'None',
      updateLearnerGender: true,
      secondAssessorRole: 'Second Assessor',
      pushChangesToLearnerEmployer: true,
      reviewTypeMappings: { FormalReview: 'PR', Telephone: null },
      dailySchedule: '23:59',
      timezone: 'Europe/London',
    };
    expect(settingsPatchProblems(patch)).to.deep.equal({});
    expect(settingsPatchProblems({})).to.deep.equal({});
    expect(settingsPatchProblems({ baseUrl: null, password: null, clientKey: null, username: null, secondAssessorRole: null })).to.deep.equal({});
  });

  it('names each bad setting and why', () => {
    const problems = settingsPatchProblems({
      integrationEnabled: 'yes',
      baseUrl: 'ftp://sa.example',
      password: '',
      clientKey: 42,
      learnerDemographicsMode: 'Both',
      officerDemographicsMode: null,
      dailySchedule: '24:00',
      timezone: 'Mars/Olympus_Mons',
      secondAssessorRole: 'x'.repeat(65),
      reviewTypeMappings: { FormalReview: 7, Lunch: 'PR' },
      colour: 'blue',
      passwordSet: true,
    });
    expect(problems).to.deep.equal({
      integrationEnabled: 'must be true or false',
      baseUrl: 'must be an http(s):// URL or null',
      password: 'must not be empty (null clears it)',
      clientKey: 'must be a string or null',
      learnerDemographicsMode: 'must be one of None, Push, Pull',
      officerDemographicsMode: 'must be one of None, Push, Pull',
      dailySchedule: 'must be a time HH:MM (24-hour)',
      timezone: 'must be an IANA time zone such as Europe/London',
      secondAssessorRole: 'must be at most 64 characters',
      'reviewTypeMappings.FormalReview': 'must be a review type code or null (ignore these sessions)',
      'reviewTypeMappings.Lunch':
        'is not a Smart Assessor session type (one of General, Induction, FormalReview, Telephone, ExitSession, OutOfTheWorkplace, TestsExams, LearnerSupport, Initial, GatewayReady, EPA)',
      colour: 'is not a setting',
      passwordSet: 'is read-only',
    });
  });

  it('refuses a patch that is not an object, and mappings that are not an object', () => {
    expect(settingsPatchProblems([])).to.deep.equal({ '': 'must be an object of settings' });
    expect(settingsPatchProblems({ reviewTypeMappings: ['PR'] })).to.have.property('reviewTypeMappings');
  });

  it('never repeats a secret in a reason', () => {
    const problems = settingsPatchProblems({ password: ['hunter2'], clientKey: { key: 'k-123' } });
    expect(JSON.stringify(problems)).not.to.match(/hunter2|k-123/);
    expect(Object.keys(problems).sort()).to.deep.equal(['clientKey', 'password']);
  });

  it('knows IANA zone names from offsets and made-up places', () => {
    expect(isIanaTimeZone('Europe/London')).to.equal(true);
    expect(isIanaTimeZone('America/Argentina/Buenos_Aires')).to.equal(true);
    expect(isIanaTimeZone('UTC')).to.equal(true);
    expect(isIanaTimeZone('+01:00')).to.equal(false);
    expect(isIanaTimeZone('Europe/Atlantis')).to.equal(false);
  });

  it('lists the review type codes a patch maps to, for the caller to look up', () => {
    expect(mappedReviewTypeCodes({ reviewTypeMappings: { FormalReview: 'PR', Induction: null, ExitSession: 'EXIT' } })).to.deep.equal([
      { path: 'reviewTypeMappings.FormalReview', code: 'PR' },
      { path: 'reviewTypeMappings.ExitSession', code: 'EXIT' },
    ]);
  });

  it('wants https:// for a Smart Assessor address, but for this machine', () => {
    for (const url of [
      'https://sa.example/api/v1',
      'http://127.0.0.1:4010/api/v1',
      'http://127.8.9.10/x',
      'http://localhost:4010',
      'http://LOCALHOST/',
      'http://[::1]:4010/api/v1',
    ]) {
      expect(httpsUnlessLoopback(url), url).to.equal(true);
    }
    for (const url of ['http://sa.example/api/v1', 'http://127.0.0.1.nip.io/', 'http://localhost.example/', 'http://10.0.0.1/', 'http://[::2]/']) {
      expect(httpsUnlessLoopback(url), url).to.equal(false);
      expect(settingsPatchProblems({ baseUrl: url }), url).to.have.keys('baseUrl');
    }
  });

  it('wants a password and client key with a patch that moves the base URL, new ones or null', () => {
    const reason = 'is required when baseUrl changes: the stored one is never sent to a new address';
    expect(newAddressProblems({ baseUrl: 'https://elsewhere.example' }, 'https://sa.example')).to.deep.equal({ password: reason, clientKey: reason });
    expect(newAddressProblems({ baseUrl: null, password: null }, 'https://sa.example')).to.deep.equal({ clientKey: reason });
    expect(newAddressProblems({ baseUrl: 'https://sa.example' }, null)).to.have.keys('password', 'clientKey');
    expect(newAddressProblems({ baseUrl: 'https://elsewhere.example', password: 'p', clientKey: null }, 'https://sa.example')).to.deep.equal({});
    expect(newAddressProblems({ baseUrl: 'https://sa.example' }, 'https://sa.example'), 'unchanged').to.deep.equal({});
    expect(newAddressProblems({ baseUrl: null }, null), 'unchanged').to.deep.equal({});
    expect(newAddressProblems({ username: 'u' }, 'https://sa.example'), 'not given').to.deep.equal({});
  });
});
