import { expect } from 'chai';
import { describeProblem, describeProblemWithValue } from '../../../src/failure-kinds.js';
import {
  dateOfBirthProblem,
  dateProblem,
  emailProblem,
  niNumberProblem,
  postcodeProblem,
  ulnProblem,
  validateEnrolment,
  validateLearnerForSmartAssessor,
  validateOfficerForSmartAssessor,
  validateOrganisationForSmartAssessor,
  type EnrolmentCandidate,
  type PicsLearner,
} from '../../../src/sync/index.js';

const TODAY = '2026-07-01';

const learner = (overrides: Partial<PicsLearner> = {}): PicsLearner => ({
  learnerIdent: 'L000123',
  firstName: 'Amira',
  surname: 'Khan',
  dateOfBirth: '2004-03-09',
  gender: 'Female',
  uln: '9276308686',
  email: 'amira@example.org',
  address1: '1 High St',
  address2: null,
  address3: null,
  address4: 'Leeds',
  postcode: 'LS1 4AP',
  niNumber: 'AB123456C',
  phone: null,
  mobile: '07700900123',
  ...overrides,
});

describe('sync rules: validation', () => {
  describe('ULN', () => {
    for (const uln of ['9276308686', '1234567899', '9999999998', '1000000000', '5000000004']) {
      it(`accepts ${uln}`, () => expect(ulnProblem(uln)).to.equal(null));
    }
    it('refuses fewer or more than 10 digits', () => {
      expect(ulnProblem('927630868')).to.equal('must be 10 digits');
      expect(ulnProblem('92763086860')).to.equal('must be 10 digits');
    });
    it('refuses anything but digits', () => {
      expect(ulnProblem('92763O8686')).to.equal('must be 10 digits');
      expect(ulnProblem(' 9276308686')).to.equal('must be 10 digits');
    });
    it('refuses a first digit of 0', () => {
      expect(ulnProblem('0276308686')).to.equal('must not start with 0');
    });
    it('refuses a wrong check digit, without quoting any digit', () => {
      expect(ulnProblem('9276308685')).to.equal('fails the ULN check digit (mod 11)');
    });
    it('refuses nine digits whose remainder would need a check digit of 10', () => {
      for (const lastDigit of '0123456789') {
        expect(ulnProblem(`100000006${lastDigit}`)).to.equal('is not a ULN: no check digit fits its first nine digits (mod 11)');
      }
    });
  });

  describe('NI number', () => {
    for (const ni of ['AB123456C', 'ab123456c', 'JZ000000A', 'CE123456D', 'TA123456B']) {
      it(`accepts ${ni}`, () => expect(niNumberProblem(ni)).to.equal(null));
    }
    for (const ni of ['AB123456', 'AB123456E', 'A1234567C', 'AB12345C', 'AB 12 34 56 C', '123456789']) {
      it(`refuses the shape of ${ni}`, () => expect(niNumberProblem(ni)).to.equal('is not in the ILR format: two letters, six digits, then A, B, C or D'));
    }
    for (const letter of 'DFIQUV') {
      it(`refuses ${letter} as first letter`, () => expect(niNumberProblem(`${letter}A123456A`)).to.equal('starts with a letter never used first (D, F, I, Q, U or V)'));
    }
    for (const letter of 'DFIOQUV') {
      it(`refuses ${letter} as second letter`, () => expect(niNumberProblem(`A${letter}123456A`)).to.equal('has a second letter never used there (D, F, I, O, Q, U or V)'));
    }
    for (const prefix of ['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']) {
      it(`refuses the never-issued prefix ${prefix}`, () => expect(niNumberProblem(`${prefix}123456A`)).to.equal('has a prefix that is never issued (BG, GB, KN, NK, NT, TN, ZZ)'));
    }
  });

  describe('postcode', () => {
    for (const postcode of ['LS1 4AP', 'ls14ap', 'M1 1AE', 'B33 8TH', 'CR2 6XH', 'DN55 1PT', 'W1A 0AX', 'EC1A 1BB', 'GIR 0AA', 'gir0aa']) {
      it(`accepts ${postcode}`, () => expect(postcodeProblem(postcode)).to.equal(null));
    }
    for (const postcode of ['LS1', 'LS1 4A', '12345', 'LSS1 4AP', 'LS1 A4P', 'L 4AP', 'GIR 0AB', 'LS1 4AP X']) {
      it(`refuses ${postcode}`, () => expect(postcodeProblem(postcode)).to.equal('is not a UK postcode (e.g. "LS1 4AP")'));
    }
  });

  describe('email', () => {
    for (const email of ['amira@example.org', 'Amira.Khan+work@sub.example.co.uk']) {
      it(`accepts ${email}`, () => expect(emailProblem(email)).to.equal(null));
    }
    for (const email of ['amira', 'amira@', '@example.org', 'amira@example', 'ami ra@example.org', ' amira@example.org', 'a..b@example.org', 'a@b@example.org']) {
      it(`refuses ${JSON.stringify(email)}`, () => expect(emailProblem(email)).to.equal('is not a valid email address'));
    }
  });

  describe('dates', () => {
    it('accepts a real date and refuses one that is not', () => {
      expect(dateProblem('2024-02-29')).to.equal(null);
      expect(dateProblem('2026-02-29')).to.equal('is not a real date in the form YYYY-MM-DD');
      expect(dateProblem('09/03/2004')).to.equal('is not a real date in the form YYYY-MM-DD');
    });
    it('wants a date of birth before today', () => {
      expect(dateOfBirthProblem('2026-06-30', TODAY)).to.equal(null);
      expect(dateOfBirthProblem('2026-07-01', TODAY)).to.equal('must be in the past (today is 2026-07-01)');
      expect(dateOfBirthProblem('2030-01-01', TODAY)).to.equal('must be in the past (today is 2026-07-01)');
      expect(dateOfBirthProblem('2004-02-30', TODAY)).to.equal('is not a real date in the form YYYY-MM-DD');
    });
  });

  describe('validateLearnerForSmartAssessor', () => {
    it('finds nothing wrong with a good learner', () => {
      expect(validateLearnerForSmartAssessor(learner(), { today: TODAY })).to.deep.equal([]);
    });

    it('names the learner, the field and the reason, and keeps the value apart for the admin', () => {
      const problems = validateLearnerForSmartAssessor(learner({ uln: '9276308685' }), { today: TODAY });
      expect(problems).to.deep.equal([{ record: 'learner L000123', field: 'uln', value: '9276308685', reason: 'fails the ULN check digit (mod 11)' }]);
      expect(describeProblem(problems[0])).to.equal('learner L000123: uln fails the ULN check digit (mod 11)');
      expect(describeProblemWithValue(problems[0])).to.equal('learner L000123: uln "9276308685" fails the ULN check digit (mod 11)');
    });

    it('reports every bad field at once', () => {
      const problems = validateLearnerForSmartAssessor(learner({ uln: '123', niNumber: 'ZZ123456A', postcode: 'LS1', email: 'amira@', dateOfBirth: '2027-01-01' }), {
        today: TODAY,
      });
      expect(problems.map((problem) => problem.field)).to.have.members(['uln', 'niNumber', 'postcode', 'email', 'dateOfBirth']);
    });

    it('requires first name, surname, date of birth and email, without a value to show', () => {
      const problems = validateLearnerForSmartAssessor(learner({ firstName: '  ', surname: null, dateOfBirth: null, email: '' }), { today: TODAY });
      expect(problems).to.deep.equal(
        ['firstName', 'surname', 'dateOfBirth', 'email'].map((field) => ({ record: 'learner L000123', field, reason: 'is missing; Smart Assessor requires it' })),
      );
      expect(describeProblem(problems[0])).to.equal('learner L000123: firstName is missing; Smart Assessor requires it');
      expect(describeProblemWithValue(problems[0])).to.equal('learner L000123: firstName is missing; Smart Assessor requires it');
    });

    it('does not check a blank optional field (it is not sent)', () => {
      const problems = validateLearnerForSmartAssessor(learner({ uln: null, niNumber: '', postcode: '  ', gender: null, address1: null, phone: null, mobile: null }), {
        today: TODAY,
      });
      expect(problems).to.deep.equal([]);
    });

    const lengthCases: [keyof PicsLearner, number][] = [
      ['firstName', 100],
      ['surname', 100],
      ['address1', 100],
      ['address2', 100],
      ['address3', 100],
      ['address4', 100],
      ['phone', 50],
      ['mobile', 50],
    ];
    for (const [field, limit] of lengthCases) {
      it(`allows ${field} up to ${limit} characters and no more`, () => {
        expect(validateLearnerForSmartAssessor(learner({ [field]: 'x'.repeat(limit) }), { today: TODAY })).to.deep.equal([]);
        expect(validateLearnerForSmartAssessor(learner({ [field]: 'x'.repeat(limit + 1) }), { today: TODAY })).to.deep.equal([
          { record: 'learner L000123', field, value: 'x'.repeat(limit + 1), reason: `is longer than the ${limit} characters Smart Assessor allows` },
        ]);
      });
    }

    it('allows an email up to 200 characters and no more', () => {
      const email = (length: number) => `${'a'.repeat(60)}@${'b'.repeat(length - 65)}.org`;
      expect(email(200)).to.have.length(200);
      expect(validateLearnerForSmartAssessor(learner({ email: email(200) }), { today: TODAY })).to.deep.equal([]);
      expect(validateLearnerForSmartAssessor(learner({ email: email(201) }), { today: TODAY })[0].reason).to.equal('is longer than the 200 characters Smart Assessor allows');
    });

    it('counts the postcode and NI number as held, spaces included, against their limits', () => {
      expect(validateLearnerForSmartAssessor(learner({ postcode: ' LS1   4AP ' }), { today: TODAY })[0]).to.include({
        field: 'postcode',
        reason: 'is longer than the 10 characters Smart Assessor allows',
      });
      expect(validateLearnerForSmartAssessor(learner({ niNumber: 'AB 123456C' }), { today: TODAY })[0]).to.include({
        field: 'niNumber',
        reason: 'is longer than the 9 characters Smart Assessor allows',
      });
    });

    it('counts characters, not UTF-16 units, as the contract does', () => {
      expect(validateLearnerForSmartAssessor(learner({ firstName: '😀'.repeat(100) }), { today: TODAY })).to.deep.equal([]);
    });

    it('refuses a gender the contract does not know', () => {
      const problems = validateLearnerForSmartAssessor({ ...learner(), gender: 'F' as never }, { today: TODAY });
      expect(problems).to.deep.equal([{ record: 'learner L000123', field: 'gender', value: 'F', reason: 'is not one of Male, Female, Other, NotKnown' }]);
    });

    it('checks only the fields asked for (e.g. those in a PATCH)', () => {
      const bad = learner({ uln: '123', postcode: 'LS1', firstName: '' });
      expect(validateLearnerForSmartAssessor(bad, { today: TODAY, fields: ['postcode'] }).map((problem) => problem.field)).to.deep.equal(['postcode']);
      expect(validateLearnerForSmartAssessor(bad, { today: TODAY, fields: ['email', 'status'] })).to.deep.equal([]);
    });
  });

  describe('validateOfficerForSmartAssessor', () => {
    const officer = { ref: 'OFF2', firstName: 'Sam', surname: 'Patel', email: 'sam.patel@provider.example', phone: null, mobile: null };

    it('finds nothing wrong with a good officer', () => {
      expect(validateOfficerForSmartAssessor(officer)).to.deep.equal([]);
    });

    it('requires first name, surname and email, and a valid email', () => {
      expect(validateOfficerForSmartAssessor({ ...officer, firstName: '', surname: ' ', email: '' })).to.deep.equal(
        ['firstName', 'surname', 'email'].map((field) => ({ record: 'officer OFF2', field, reason: 'is missing; Smart Assessor requires it' })),
      );
      expect(validateOfficerForSmartAssessor({ ...officer, email: 'sam.patel' })).to.deep.equal([
        { record: 'officer OFF2', field: 'email', value: 'sam.patel', reason: 'is not a valid email address' },
      ]);
    });

    it('holds phone and mobile to 50 characters', () => {
      expect(validateOfficerForSmartAssessor({ ...officer, phone: '1'.repeat(51), mobile: '1'.repeat(50) }).map((problem) => problem.field)).to.deep.equal(['phone']);
    });
  });

  describe('validateOrganisationForSmartAssessor', () => {
    const organisation = {
      ref: 'ORG7',
      name: 'Acme Ltd',
      phone: '0113 496 0000',
      edrsNumber: '123456789',
      address1: 'Unit 4',
      address2: 'Mill Lane',
      address3: null,
      address4: 'Leeds',
      postcode: 'LS1 4AP',
      website: 'https://acme.example',
      employerSize: '50-249',
    };

    it('finds nothing wrong with a good organisation', () => {
      expect(validateOrganisationForSmartAssessor(organisation)).to.deep.equal([]);
    });

    it('requires a name', () => {
      expect(validateOrganisationForSmartAssessor({ ...organisation, name: '' })).to.deep.equal([
        { record: 'organisation ORG7', field: 'name', reason: 'is missing; Smart Assessor requires it' },
      ]);
    });

    it('checks the postcode', () => {
      expect(validateOrganisationForSmartAssessor({ ...organisation, postcode: 'LS1' })).to.deep.equal([
        { record: 'organisation ORG7', field: 'postcode', value: 'LS1', reason: 'is not a UK postcode (e.g. "LS1 4AP")' },
      ]);
    });

    const limits: [string, number][] = [
      ['name', 200],
      ['phone', 50],
      ['edrsNumber', 20],
      ['address1', 100],
      ['address4', 100],
      ['website', 200],
      ['employerSize', 50],
    ];
    for (const [field, limit] of limits) {
      it(`holds ${field} to ${limit} characters`, () => {
        expect(validateOrganisationForSmartAssessor({ ...organisation, [field]: 'x'.repeat(limit) })).to.deep.equal([]);
        expect(validateOrganisationForSmartAssessor({ ...organisation, [field]: 'x'.repeat(limit + 1) }).map((problem) => problem.field)).to.deep.equal([field]);
      });
    }
  });

  describe('validateEnrolment', () => {
    const candidate = (overrides: Partial<EnrolmentCandidate> = {}): EnrolmentCandidate => ({
      learner: { ...learner(), plannedOtjHours: 278 },
      placementOrganisation: { ref: 'ORG7', name: 'Acme Ltd', postcode: 'LS1 4AP', additionalId: null },
      mainOfficer: { ref: 'OFF2', firstName: 'Sam', surname: 'Patel', email: 'sam.patel@provider.example', additionalId: null },
      aims: [{ aimRef: 'L000123-1', startDate: '2026-01-05', plannedEndDate: '2027-07-05' }],
      ...overrides,
    });

    it('finds nothing wrong with a complete enrolment', () => {
      expect(validateEnrolment(candidate(), { today: TODAY })).to.deep.equal([]);
    });

    it('reports the learner’s own problems', () => {
      const problems = validateEnrolment(candidate({ learner: learner({ niNumber: 'QQ123456A' }) }), { today: TODAY });
      expect(problems).to.deep.equal([{ record: 'learner L000123', field: 'niNumber', value: 'QQ123456A', reason: 'starts with a letter never used first (D, F, I, Q, U or V)' }]);
    });

    it('reports a missing date of birth and email (the contract’s LearnerCreate requires them)', () => {
      const problems = validateEnrolment(candidate({ learner: learner({ dateOfBirth: null, email: null }) }), { today: TODAY });
      expect(problems.map((problem) => problem.field)).to.deep.equal(['dateOfBirth', 'email']);
    });

    it('reports a missing placement organisation on the learner', () => {
      expect(validateEnrolment(candidate({ placementOrganisation: null }), { today: TODAY })).to.deep.equal([
        { record: 'learner L000123', field: 'placementOrganisation', reason: 'is missing; the placement organisation becomes the Smart Assessor employer' },
      ]);
    });

    it('reports a missing Main Officer on the learner', () => {
      expect(validateEnrolment(candidate({ mainOfficer: undefined }), { today: TODAY })).to.deep.equal([
        { record: 'learner L000123', field: 'mainOfficer', reason: 'is missing; the Main Officer becomes the Smart Assessor assessor' },
      ]);
    });

    it('reports an organisation to be created without a name', () => {
      expect(validateEnrolment(candidate({ placementOrganisation: { ref: 'ORG7', name: ' ', additionalId: null } }), { today: TODAY })).to.deep.equal([
        { record: 'organisation ORG7', field: 'name', reason: 'is missing; Smart Assessor requires it' },
      ]);
    });

    it('reports a Main Officer to be created without an email', () => {
      expect(validateEnrolment(candidate({ mainOfficer: { ref: 'OFF2', firstName: 'Sam', surname: 'Patel', email: '', additionalId: null } }), { today: TODAY })).to.deep.equal([
        { record: 'officer OFF2', field: 'email', reason: 'is missing; Smart Assessor requires it' },
      ]);
    });

    it('does not check a linked organisation or officer, whose details are not sent', () => {
      const problems = validateEnrolment(
        candidate({
          placementOrganisation: { ref: 'ORG7', name: '', postcode: 'nonsense', additionalId: '301' },
          mainOfficer: { ref: 'OFF2', firstName: 'Sam', surname: 'Patel', email: '', additionalId: '88' },
        }),
        { today: TODAY },
      );
      expect(problems).to.deep.equal([]);
    });

    it('checks a second assessor to be created', () => {
      const problems = validateEnrolment(candidate({ secondAssessor: { ref: 'OFF9', firstName: 'Jo', surname: '', email: 'jo@provider.example' } }), {
        today: TODAY,
      });
      expect(problems).to.deep.equal([{ record: 'officer OFF9', field: 'surname', reason: 'is missing; Smart Assessor requires it' }]);
    });

    it('does not check the second assessor twice when it is the Main Officer', () => {
      const mainOfficer = { ref: 'OFF2', firstName: 'Sam', surname: 'Patel', email: '', additionalId: null };
      expect(validateEnrolment(candidate({ mainOfficer, secondAssessor: mainOfficer }), { today: TODAY })).to.have.length(1);
    });

    it('checks each aim’s start and planned end dates', () => {
      const problems = validateEnrolment(
        candidate({
          aims: [
            { aimRef: 'L000123-1', startDate: null, plannedEndDate: '2026-02-30' },
            { aimRef: 'L000123-2', startDate: '2026-09-01', plannedEndDate: '2026-08-31' },
          ],
        }),
        { today: TODAY },
      );
      expect(problems).to.deep.equal([
        { record: 'aim L000123-1', field: 'startDate', reason: 'is missing; Smart Assessor requires it' },
        { record: 'aim L000123-1', field: 'plannedEndDate', value: '2026-02-30', reason: 'is not a real date in the form YYYY-MM-DD' },
        { record: 'aim L000123-2', field: 'plannedEndDate', value: '2026-08-31', reason: 'is before the start date 2026-09-01' },
      ]);
    });

    it('wants planned OTJ hours a whole number from 0 to 9999, when there are any', () => {
      for (const plannedOtjHours of [0, 9999, null]) {
        expect(validateEnrolment(candidate({ learner: { ...learner(), plannedOtjHours } }), { today: TODAY }), String(plannedOtjHours)).to.deep.equal([]);
      }
      for (const plannedOtjHours of [-1, 10000, 12.5]) {
        expect(validateEnrolment(candidate({ learner: { ...learner(), plannedOtjHours } }), { today: TODAY })).to.deep.equal([
          { record: 'learner L000123', field: 'plannedOtjHours', value: plannedOtjHours, reason: 'must be a whole number from 0 to 9999' },
        ]);
      }
    });
  });
});
