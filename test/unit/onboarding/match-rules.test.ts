import { expect } from 'chai';
import {
  learnerRules,
  officerRules,
  organisationRules,
  proposeLinks,
  type MisLearnerKeys,
  type OfficerKeys,
  type OrganisationKeys,
  type Proposal,
  type SaLearnerKeys,
} from '../../../src/onboarding/match-rules.js';

type MisLearner = MisLearnerKeys & { id: number };
type SaLearner = SaLearnerKeys;

const misLearner = (ref: string, keys: Partial<MisLearner> = {}): MisLearner => ({
  id: Number(ref.replace(/\D/g, '')) || 1,
  ref,
  heldId: null,
  firstName: 'Amira',
  surname: `Khan${ref}`,
  dateOfBirth: '2004-03-09',
  uln: null,
  ...keys,
});

const saLearner = (id: string, keys: Partial<SaLearner> = {}): SaLearner => ({
  id,
  misReference: null,
  firstName: 'Someone',
  surname: `Else${id}`,
  dateOfBirth: '1990-01-01',
  uln: null,
  ...keys,
});

/** Each proposal as "MIS ref → SA id (basis, unique|shared)" for compact comparison. */
function described<M extends { ref: string }, S extends { id: string }>(proposals: Array<Proposal<M, S>>): string[] {
  return proposals.map((p) => `${p.mis.ref} → ${p.sa.id} (${p.basis}, ${p.unique ? 'unique' : `not unique, ${p.candidates} fit`})`);
}

const matchLearners = (mis: MisLearner[], sa: SaLearner[]) => proposeLinks(mis, sa, learnerRules<MisLearner, SaLearner>());

describe('onboarding rules: which Smart Assessor record each MIS record is', () => {
  describe('learners', () => {
    it('match by misReference first, then ULN, then name and date of birth', () => {
      const result = matchLearners(
        [misLearner('L1'), misLearner('L2', { uln: '9276308686' }), misLearner('L3', { firstName: 'Jo', surname: 'Bloggs', dateOfBirth: '2001-05-06' })],
        [saLearner('S1', { misReference: 'L1' }), saLearner('S2', { uln: '9276308686' }), saLearner('S3', { firstName: 'Jo', surname: 'Bloggs', dateOfBirth: '2001-05-06' })],
      );
      expect(described(result.proposals)).to.deep.equal(['L1 → S1 (misReference, unique)', 'L2 → S2 (uln, unique)', 'L3 → S3 (name-dob, unique)']);
      expect(result.unmatched).to.deep.equal([]);
    });

    it('propose only by the strongest rule that finds anything', () => {
      const result = matchLearners([misLearner('L1', { uln: '9276308686' })], [saLearner('S1', { misReference: 'L1' }), saLearner('S2', { uln: '9276308686' })]);
      expect(described(result.proposals)).to.deep.equal(['L1 → S1 (misReference, unique)']);
    });

    it('fall back to name and date of birth when the ULN has a typo', () => {
      const result = matchLearners(
        [misLearner('L1', { uln: '9276308686', firstName: 'Amira', surname: 'Khan', dateOfBirth: '2004-03-09' })],
        [saLearner('S1', { uln: '9276308868', firstName: 'Amira', surname: 'Khan', dateOfBirth: '2004-03-09' })],
      );
      expect(described(result.proposals)).to.deep.equal(['L1 → S1 (name-dob, unique)']);
    });

    it('leave a learner whose ULN has a typo and whose name differs unmatched', () => {
      const result = matchLearners([misLearner('L1', { uln: '9276308686', surname: 'Khan' })], [saLearner('S1', { uln: '9276308868', surname: 'Kahn' })]);
      expect(result.proposals).to.deep.equal([]);
      expect(result.unmatched.map((m) => m.ref)).to.deep.equal(['L1']);
    });

    it('compare names and dates normalised: case, spaces and a timestamp do not matter', () => {
      const result = matchLearners(
        [misLearner('L1', { firstName: '  amira ', surname: 'KHAN  SMITH', dateOfBirth: '2004-03-09' })],
        [saLearner('S1', { firstName: 'Amira', surname: 'Khan Smith', dateOfBirth: '2004-03-09T00:00:00Z' })],
      );
      expect(described(result.proposals)).to.deep.equal(['L1 → S1 (name-dob, unique)']);
    });

    it('compare ULNs without spaces', () => {
      const result = matchLearners([misLearner('L1', { uln: '927 630 8686' })], [saLearner('S1', { uln: '9276308686' })]);
      expect(described(result.proposals)).to.deep.equal(['L1 → S1 (uln, unique)']);
    });

    it('propose every candidate when two Smart Assessor learners share a name and date of birth, none of them unique', () => {
      const twin = { firstName: 'Sam', surname: 'Smith', dateOfBirth: '2003-01-01' };
      const result = matchLearners([misLearner('L1', twin)], [saLearner('S2', twin), saLearner('S1', twin)]);
      expect(described(result.proposals)).to.deep.equal(['L1 → S1 (name-dob, not unique, 2 fit)', 'L1 → S2 (name-dob, not unique, 2 fit)']);
    });

    it('make no proposal unique when two MIS learners with one name and date of birth claim one Smart Assessor learner', () => {
      const twin = { firstName: 'Sam', surname: 'Smith', dateOfBirth: '2003-01-01' };
      const result = matchLearners([misLearner('L2', twin), misLearner('L1', twin)], [saLearner('S1', twin)]);
      expect(described(result.proposals)).to.deep.equal(['L1 → S1 (name-dob, not unique, 1 fit)', 'L2 → S1 (name-dob, not unique, 1 fit)']);
    });

    it('give a record a stronger rule proposed to one learner to no other learner by a weaker one', () => {
      const twin = { firstName: 'Sam', surname: 'Smith', dateOfBirth: '2003-01-01' };
      const result = matchLearners(
        [misLearner('L1', { ...twin, uln: '9276308686' }), misLearner('L2', twin)],
        [saLearner('S1', { ...twin, uln: '9276308686' }), saLearner('S2', twin)],
      );
      expect(described(result.proposals)).to.deep.equal(['L1 → S1 (uln, unique)', 'L2 → S2 (name-dob, unique)']);
    });

    it('never propose a Smart Assessor learner another MIS learner is linked to, nor match a linked MIS learner', () => {
      const result = matchLearners(
        [misLearner('L1', { heldId: 'S1' }), misLearner('L2', { uln: '9276308686' }), misLearner('L3', { heldId: ' S3 ', uln: '1234567899' })],
        [saLearner('S1', { uln: '9276308686' }), saLearner('S3', { uln: '1234567899' })],
      );
      expect(result.proposals).to.deep.equal([]);
      expect(result.unmatched.map((m) => m.ref)).to.deep.equal(['L2']);
    });

    it('leave a Smart Assessor learner whose misReference names another MIS learner to that learner', () => {
      const result = matchLearners([misLearner('L9', { heldId: 'S7' }), misLearner('L3', { uln: '9276308686' })], [saLearner('S1', { misReference: 'L9', uln: '9276308686' })]);
      expect(result.proposals).to.deep.equal([]);
      expect(result.unmatched.map((m) => m.ref)).to.deep.equal(['L3']);
    });

    it('match a Smart Assessor learner whose misReference names no MIS learner by the other rules', () => {
      const result = matchLearners([misLearner('L3', { uln: '9276308686' })], [saLearner('S1', { misReference: 'OLD-42', uln: '9276308686' })]);
      expect(described(result.proposals)).to.deep.equal(['L3 → S1 (uln, unique)']);
    });

    it('match nothing on a blank key: no ULN, or no date of birth', () => {
      const result = matchLearners(
        [misLearner('L1', { uln: null, firstName: 'Jo', surname: 'Bloggs', dateOfBirth: null }), misLearner('L2', { uln: '  ' })],
        [saLearner('S1', { uln: null, firstName: 'Jo', surname: 'Bloggs', dateOfBirth: null }), saLearner('S2', { uln: '' })],
      );
      expect(result.proposals).to.deep.equal([]);
      expect(result.unmatched.map((m) => m.ref)).to.deep.equal(['L1', 'L2']);
    });

    it('list proposals by rule, then MIS ref', () => {
      const result = matchLearners(
        [misLearner('L3', { uln: '1234567899' }), misLearner('L2'), misLearner('L1', { uln: '9276308686' })],
        [saLearner('S3', { uln: '1234567899' }), saLearner('S2', { misReference: 'L2' }), saLearner('S1', { uln: '9276308686' })],
      );
      expect(described(result.proposals)).to.deep.equal(['L2 → S2 (misReference, unique)', 'L1 → S1 (uln, unique)', 'L3 → S3 (uln, unique)']);
    });
  });

  describe('employers', () => {
    type Org = OrganisationKeys & { ref: string; heldId: string | null };
    type Employer = OrganisationKeys & { id: string; misReference: string | null };
    const org = (ref: string, keys: Partial<Org> = {}): Org => ({ ref, heldId: null, name: `${ref} Ltd`, edrsNumber: null, postcode: null, ...keys });
    const employer = (id: string, keys: Partial<Employer> = {}): Employer => ({ id, misReference: null, name: `Other ${id}`, edrsNumber: null, postcode: null, ...keys });
    const match = (mis: Org[], sa: Employer[]) => proposeLinks(mis, sa, organisationRules<Org, Employer>());

    it('match by misReference, then EDRS number (without spaces), then name and postcode', () => {
      const result = match(
        [org('ORG1'), org('ORG2', { edrsNumber: '123 456 789' }), org('ORG3', { name: 'Acme Ltd', postcode: 'ls14ap' })],
        [employer('E1', { misReference: 'ORG1' }), employer('E2', { edrsNumber: '123456789' }), employer('E3', { name: 'ACME LTD', postcode: 'LS1 4AP' })],
      );
      expect(described(result.proposals)).to.deep.equal(['ORG1 → E1 (misReference, unique)', 'ORG2 → E2 (edrs, unique)', 'ORG3 → E3 (name-postcode, unique)']);
    });

    it('match an employer with no EDRS number by name and postcode, and not by name alone', () => {
      const result = match(
        [org('ORG1', { name: 'Acme Ltd', postcode: 'LS1 4AP' }), org('ORG2', { name: 'Bolt Ltd', postcode: 'M1 1AA' })],
        [employer('E1', { name: 'Acme Ltd', postcode: 'LS1 4AP' }), employer('E2', { name: 'Bolt Ltd', postcode: 'M2 2BB' })],
      );
      expect(described(result.proposals)).to.deep.equal(['ORG1 → E1 (name-postcode, unique)']);
      expect(result.unmatched.map((m) => m.ref)).to.deep.equal(['ORG2']);
    });

    it('need both name and postcode', () => {
      const result = match([org('ORG1', { name: 'Acme Ltd', postcode: null })], [employer('E1', { name: 'Acme Ltd', postcode: null })]);
      expect(result.proposals).to.deep.equal([]);
    });

    it('offer both when two employers share an EDRS number', () => {
      const result = match([org('ORG1', { edrsNumber: '111' })], [employer('E1', { edrsNumber: '111' }), employer('E2', { edrsNumber: '111' })]);
      expect(described(result.proposals)).to.deep.equal(['ORG1 → E1 (edrs, not unique, 2 fit)', 'ORG1 → E2 (edrs, not unique, 2 fit)']);
    });
  });

  describe('assessors', () => {
    type Off = OfficerKeys & { ref: string; heldId: string | null };
    type Assessor = OfficerKeys & { id: string; misReference: string | null };
    const officer = (ref: string, email: string | null, heldId: string | null = null): Off => ({ ref, heldId, email });
    const assessor = (id: string, email: string, misReference: string | null = null): Assessor => ({ id, misReference, email });
    const match = (mis: Off[], sa: Assessor[]) => proposeLinks(mis, sa, officerRules<Off, Assessor>());

    it('match by misReference, then email without regard to case', () => {
      const result = match(
        [officer('OFF1', 'a@x.org'), officer('OFF2', ' Sam.Patel@Provider.EXAMPLE ')],
        [assessor('A1', 'z@x.org', 'OFF1'), assessor('A2', 'sam.patel@provider.example')],
      );
      expect(described(result.proposals)).to.deep.equal(['OFF1 → A1 (misReference, unique)', 'OFF2 → A2 (email, unique)']);
    });

    it('offer both when two assessors share an email, and skip one already linked', () => {
      const result = match([officer('OFF1', 'a@x.org'), officer('OFF9', 'other@x.org', 'A3')], [assessor('A1', 'a@x.org'), assessor('A2', 'A@X.ORG'), assessor('A3', 'a@x.org')]);
      expect(described(result.proposals)).to.deep.equal(['OFF1 → A1 (email, not unique, 2 fit)', 'OFF1 → A2 (email, not unique, 2 fit)']);
    });

    it('leave an officer without an email unmatched', () => {
      const result = match([officer('OFF1', null)], [assessor('A1', 'a@x.org')]);
      expect(result.unmatched.map((m) => m.ref)).to.deep.equal(['OFF1']);
    });
  });
});
