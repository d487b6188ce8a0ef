import { expect } from 'chai';
import type { DemographicsMode } from '../../../entities/enums.js';
import type { Learner as SaLearner } from '../../../src/smart-assessor/types.js';
import { holdBack, planLearnerDemographics, planOfficerDemographics, planOrganisationDemographics, type DemographicsPlan, type PicsLearner } from '../../../src/sync/index.js';

/** For one field: two values that differ, and a pair that differ only in form (equal after normalising). */
interface FieldSample {
  field: string;
  pics: string;
  sa: string;
  picsSameAsSa: string;
}

const LEARNER_SAMPLES: FieldSample[] = [
  { field: 'firstName', pics: 'Amira', sa: 'Amina', picsSameAsSa: ' Amina ' },
  { field: 'surname', pics: 'Van der Berg', sa: 'Vanderberg', picsSameAsSa: 'Vanderberg  ' },
  { field: 'dateOfBirth', pics: '2004-03-09', sa: '2004-03-10', picsSameAsSa: ' 2004-03-10' },
  { field: 'email', pics: 'amira@example.org', sa: 'amira.k@example.org', picsSameAsSa: 'Amira.K@Example.org' },
  { field: 'address1', pics: '1 High St', sa: '2 High St', picsSameAsSa: '2  High   St' },
  { field: 'address2', pics: 'Mill Lane', sa: 'Mill Road', picsSameAsSa: ' Mill Road' },
  { field: 'address3', pics: 'Headingley', sa: 'Hyde Park', picsSameAsSa: 'Hyde  Park' },
  { field: 'address4', pics: 'Leeds', sa: 'Bradford', picsSameAsSa: 'Bradford ' },
  { field: 'postcode', pics: 'LS1 4AP', sa: 'LS6 2QT', picsSameAsSa: 'ls62qt' },
  { field: 'niNumber', pics: 'AB123456C', sa: 'AB123456D', picsSameAsSa: 'ab 12 34 56 d' },
  { field: 'phone', pics: '0113 496 0000', sa: '0113 496 0001', picsSameAsSa: '01134960001' },
  { field: 'mobile', pics: '07700 900123', sa: '+44 7700 900123', picsSameAsSa: '+447700900123' },
];

const OFFICER_SAMPLES: FieldSample[] = [
  { field: 'firstName', pics: 'Sam', sa: 'Samuel', picsSameAsSa: 'Samuel ' },
  { field: 'surname', pics: 'Patel', sa: 'Patil', picsSameAsSa: ' Patil' },
  { field: 'email', pics: 'sam.patel@provider.example', sa: 's.patel@provider.example', picsSameAsSa: 'S.Patel@Provider.example' },
  { field: 'phone', pics: '0113 496 0100', sa: '0113 496 0101', picsSameAsSa: '0113-496-0101' },
  { field: 'mobile', pics: '07700 900456', sa: '07700 900457', picsSameAsSa: '07700900457' },
];

const ORGANISATION_SAMPLES: FieldSample[] = [
  { field: 'name', pics: 'Acme Ltd', sa: 'Acme Limited', picsSameAsSa: 'Acme  Limited' },
  { field: 'phone', pics: '0113 496 0000', sa: '0113 496 0009', picsSameAsSa: '(0113) 496 0009' },
  { field: 'edrsNumber', pics: '123456789', sa: '987654321', picsSameAsSa: ' 987654321 ' },
  { field: 'address1', pics: 'Unit 4', sa: 'Unit 5', picsSameAsSa: 'Unit  5' },
  { field: 'address2', pics: 'Mill Lane', sa: 'Mill Road', picsSameAsSa: 'Mill Road ' },
  { field: 'address3', pics: 'Holbeck', sa: 'Hunslet', picsSameAsSa: ' Hunslet' },
  { field: 'address4', pics: 'Leeds', sa: 'Wakefield', picsSameAsSa: 'Wakefield ' },
  { field: 'postcode', pics: 'LS1 4AP', sa: 'LS11 5QN', picsSameAsSa: 'ls115qn' },
  { field: 'website', pics: 'https://acme.example', sa: 'https://acme.example/about', picsSameAsSa: ' https://acme.example/about' },
  { field: 'employerSize', pics: '50-249', sa: '250+', picsSameAsSa: '250+ ' },
];

type Planner = (pics: Record<string, unknown>, sa: Record<string, unknown>, mode: DemographicsMode) => DemographicsPlan<object, object>;

const recordTypes: { name: string; record: string; samples: FieldSample[]; plan: Planner }[] = [
  {
    name: 'learner',
    record: 'learner L000123',
    samples: LEARNER_SAMPLES,
    plan: (pics, sa, mode) => planLearnerDemographics({ learnerIdent: 'L000123', ...pics }, sa, { learnerDemographicsMode: mode, updateLearnerGender: false }),
  },
  {
    name: 'officer',
    record: 'officer OFF2',
    samples: OFFICER_SAMPLES,
    plan: (pics, sa, mode) => planOfficerDemographics({ ref: 'OFF2', ...pics }, sa, { officerDemographicsMode: mode }),
  },
  {
    name: 'organisation',
    record: 'organisation ORG7',
    samples: ORGANISATION_SAMPLES,
    plan: (pics, sa, mode) => planOrganisationDemographics({ ref: 'ORG7', ...pics }, sa, { organisationDemographicsMode: mode }),
  },
];

const nothing = { saPatch: {}, misUpdates: {}, changes: [] };

describe('sync rules: demographics', () => {
  for (const { name, record, samples, plan } of recordTypes) {
    describe(`${name} fields`, () => {
      for (const { field, pics, sa, picsSameAsSa } of samples) {
        describe(field, () => {
          it('None: nothing either way, however the values differ', () => {
            expect(plan({ [field]: pics }, { [field]: sa }, 'None')).to.deep.equal(nothing);
            expect(plan({ [field]: null }, { [field]: sa }, 'None')).to.deep.equal(nothing);
            expect(plan({ [field]: pics }, { [field]: null }, 'None')).to.deep.equal(nothing);
          });

          it('Push: SA gets the PICS value that differs, as held', () => {
            expect(plan({ [field]: pics }, { [field]: sa }, 'Push')).to.deep.equal({
              saPatch: { [field]: pics },
              misUpdates: {},
              changes: [{ record, field, from: sa, to: pics, direction: 'push' }],
            });
          });

          it('Push: SA gets the PICS value where SA has none', () => {
            expect(plan({ [field]: pics }, {}, 'Push')).to.deep.equal({
              saPatch: { [field]: pics },
              misUpdates: {},
              changes: [{ record, field, from: null, to: pics, direction: 'push' }],
            });
          });

          it('Push: a blank PICS value never overwrites SA’s', () => {
            for (const blank of [null, undefined, '', '   ']) {
              expect(plan({ [field]: blank }, { [field]: sa }, 'Push'), JSON.stringify(blank)).to.deep.equal(nothing);
            }
          });

          it('Pull: PICS gets the SA value that differs', () => {
            expect(plan({ [field]: pics }, { [field]: sa }, 'Pull')).to.deep.equal({
              saPatch: {},
              misUpdates: { [field]: sa },
              changes: [{ record, field, from: pics, to: sa, direction: 'pull' }],
            });
          });

          it('Pull: PICS gets the SA value where PICS has none', () => {
            expect(plan({ [field]: null }, { [field]: sa }, 'Pull')).to.deep.equal({
              saPatch: {},
              misUpdates: { [field]: sa },
              changes: [{ record, field, from: null, to: sa, direction: 'pull' }],
            });
          });

          it('Pull: a blank SA value never overwrites PICS’s', () => {
            for (const blank of [null, undefined, '', '   ']) {
              expect(plan({ [field]: pics }, { [field]: blank }, 'Pull'), JSON.stringify(blank)).to.deep.equal(nothing);
            }
          });

          it(`equal after normalising (${JSON.stringify(picsSameAsSa)} and ${JSON.stringify(sa)}) is no change in any mode`, () => {
            for (const mode of ['None', 'Push', 'Pull'] as const) {
              expect(plan({ [field]: picsSameAsSa }, { [field]: sa }, mode), mode).to.deep.equal(nothing);
            }
          });
        });
      }

      it('plans every differing field together, and only those', () => {
        const pics = Object.fromEntries(samples.map((sample) => [sample.field, sample.pics]));
        const sa = { ...Object.fromEntries(samples.map((sample) => [sample.field, sample.sa])), [samples[0].field]: samples[0].pics };
        const pushed = plan(pics, sa, 'Push');
        expect(Object.keys(pushed.saPatch)).to.deep.equal(samples.slice(1).map((sample) => sample.field));
        expect(pushed.changes).to.have.length(samples.length - 1);
        const pulled = plan(pics, sa, 'Pull');
        expect(Object.keys(pulled.misUpdates)).to.deep.equal(samples.slice(1).map((sample) => sample.field));
      });

      it('compares no field outside its list', () => {
        expect(
          plan({ uln: '9276308686', gender: 'Male', smartAssessorId: '1', riskBand: 'Red' }, { gender: 'Female', status: 'Active' }, 'Pull').changes.filter(
            (change) => change.field !== 'uln',
          ),
        ).to.deep.equal([]);
      });
    });
  }

  describe('learner ULN: only ever pushed', () => {
    const uln = (mode: DemographicsMode, pics: PicsLearner['uln'], sa: string | null) =>
      planLearnerDemographics({ learnerIdent: 'L000123', uln: pics }, { uln: sa }, { learnerDemographicsMode: mode, updateLearnerGender: false });
    const pushed = (from: string | null) => ({
      saPatch: { uln: '9276308686' },
      misUpdates: {},
      changes: [{ record: 'learner L000123', field: 'uln', from, to: '9276308686', direction: 'push' }],
    });

    it('Push: pushed when SA’s differs', () => expect(uln('Push', '9276308686', '1234567899')).to.deep.equal(pushed('1234567899')));
    it('Push: pushed when SA has none', () => expect(uln('Push', '9276308686', null)).to.deep.equal(pushed(null)));
    it('Pull: still pushed when SA’s differs, never pulled', () => expect(uln('Pull', '9276308686', '1234567899')).to.deep.equal(pushed('1234567899')));
    it('Pull: pushed when SA has none', () => expect(uln('Pull', '9276308686', null)).to.deep.equal(pushed(null)));
    it('Pull: SA’s ULN never comes down, even where PICS has none', () => expect(uln('Pull', null, '1234567899')).to.deep.equal(nothing));
    it('Push: a blank PICS ULN is not sent', () => expect(uln('Push', '  ', '1234567899')).to.deep.equal(nothing));
    it('None: nothing at all', () => {
      expect(uln('None', '9276308686', '1234567899')).to.deep.equal(nothing);
      expect(uln('None', '9276308686', null)).to.deep.equal(nothing);
    });
    it('equal after trimming is no change', () => {
      for (const mode of ['Push', 'Pull'] as const) expect(uln(mode, ' 9276308686 ', '9276308686')).to.deep.equal(nothing);
    });
  });

  describe('learner gender: only when Update Learner Gender is on', () => {
    const gender = (mode: DemographicsMode, updateLearnerGender: boolean, pics: PicsLearner['gender'], sa: PicsLearner['gender']) =>
      planLearnerDemographics({ learnerIdent: 'L000123', gender: pics }, { gender: sa }, { learnerDemographicsMode: mode, updateLearnerGender });

    it('setting off: never compared, in any mode', () => {
      for (const mode of ['None', 'Push', 'Pull'] as const) expect(gender(mode, false, 'Female', 'Male'), mode).to.deep.equal(nothing);
    });
    it('setting on, Push: SA gets the PICS gender', () => {
      expect(gender('Push', true, 'Female', 'Male')).to.deep.equal({
        saPatch: { gender: 'Female' },
        misUpdates: {},
        changes: [{ record: 'learner L000123', field: 'gender', from: 'Male', to: 'Female', direction: 'push' }],
      });
    });
    it('setting on, Pull: PICS gets the SA gender', () => {
      expect(gender('Pull', true, 'Female', 'Male')).to.deep.equal({
        saPatch: {},
        misUpdates: { gender: 'Male' },
        changes: [{ record: 'learner L000123', field: 'gender', from: 'Female', to: 'Male', direction: 'pull' }],
      });
    });
    it('setting on, None: nothing', () => expect(gender('None', true, 'Female', 'Male')).to.deep.equal(nothing));
    it('setting on: a blank never overwrites, either way', () => {
      expect(gender('Push', true, null, 'Male')).to.deep.equal(nothing);
      expect(gender('Pull', true, 'Female', null)).to.deep.equal(nothing);
    });
  });

  describe('holdBack: invalid data holds back only the fields it affects', () => {
    const problem = (field: string) => ({ record: 'learner L000123', field, reason: 'is wrong' });

    it('takes the fields with problems out of the PATCH and the changes, and leaves every other push', () => {
      const plan = planLearnerDemographics(
        { learnerIdent: 'L000123', email: 'new@example.org', niNumber: 'QQ123456C', uln: '9276308686' },
        { email: 'old@example.org', niNumber: 'AB123456C' },
        { learnerDemographicsMode: 'Push', updateLearnerGender: false },
      );
      expect(holdBack(plan, [problem('niNumber')])).to.deep.equal({
        saPatch: { email: 'new@example.org', uln: '9276308686' },
        misUpdates: {},
        changes: [
          { record: 'learner L000123', field: 'email', from: 'old@example.org', to: 'new@example.org', direction: 'push' },
          { record: 'learner L000123', field: 'uln', from: null, to: '9276308686', direction: 'push' },
        ],
      });
    });

    it('leaves the pulls alone when the ULN pushed in Pull mode is held back', () => {
      const plan = planLearnerDemographics(
        { learnerIdent: 'L000123', email: 'old@example.org', uln: '1234567890' },
        { email: 'new@example.org', uln: null },
        { learnerDemographicsMode: 'Pull', updateLearnerGender: false },
      );
      expect(holdBack(plan, [problem('uln')])).to.deep.equal({
        saPatch: {},
        misUpdates: { email: 'new@example.org' },
        changes: [{ record: 'learner L000123', field: 'email', from: 'old@example.org', to: 'new@example.org', direction: 'pull' }],
      });
    });

    it('is the plan itself when nothing is wrong', () => {
      const plan = planOfficerDemographics({ ref: 'OFF2', email: 'a@example.org' }, { email: 'b@example.org' }, { officerDemographicsMode: 'Push' });
      expect(holdBack(plan, [])).to.equal(plan);
    });
  });

  it('takes the contract’s SA learner as it comes (extra fields ignored)', () => {
    const saLearner: SaLearner = {
      id: '5512',
      misReference: 'L000123',
      firstName: 'Amira',
      surname: 'Khan',
      dateOfBirth: '2004-03-09',
      email: 'amira@example.org',
      employerId: '301',
      assessorId: '88',
      status: 'Active',
      smartCoach: null,
      updatedAt: '2026-07-01T00:00:00Z',
      postcode: 'LS2 7HY',
      uln: '9276308686',
    };
    const plan = planLearnerDemographics(
      { learnerIdent: 'L000123', firstName: 'Amira', surname: 'Khan', email: 'AMIRA@example.org', uln: '9276308686', postcode: 'ls14ap' },
      saLearner,
      { learnerDemographicsMode: 'Push', updateLearnerGender: false },
    );
    expect(plan.saPatch).to.deep.equal({ postcode: 'ls14ap' });
  });
});
