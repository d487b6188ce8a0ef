import { expect } from 'chai';
import { assessorCreateBody, employerCreateBody, learnerCourseCreateBody, learnerCreateBody, type PicsLearner } from '../../../src/sync/index.js';

const learner: PicsLearner = {
  learnerIdent: 'L000123',
  lrn: 'LRN123',
  firstName: 'Amira',
  surname: 'Khan',
  dateOfBirth: '2004-03-09',
  gender: 'Female',
  uln: '9276308686',
  email: 'Amira@Example.org',
  address1: '1 High St',
  address2: null,
  address3: '  ',
  address4: 'Leeds',
  postcode: 'ls14ap',
  niNumber: 'AB123456C',
  phone: null,
  mobile: '07700 900123',
};
const links = { employerId: '301', assessorId: '88' };
const allOff = { sendLearnerWelcomeEmail: false, setStudentIdToLrn: false, updateLearnerGender: false };

describe('sync rules: enrolment bodies', () => {
  it('sends the learner as held, with Learner Ident as misReference, leaving out blanks', () => {
    expect(learnerCreateBody(learner, links, allOff)).to.deep.equal({
      misReference: 'L000123',
      firstName: 'Amira',
      surname: 'Khan',
      dateOfBirth: '2004-03-09',
      email: 'Amira@Example.org',
      uln: '9276308686',
      address1: '1 High St',
      address4: 'Leeds',
      postcode: 'ls14ap',
      niNumber: 'AB123456C',
      mobile: '07700 900123',
      employerId: '301',
      assessorId: '88',
      sendWelcomeEmail: false,
    });
  });

  it('sets studentId to the LRN only when Set Student ID to LRN is on and there is one', () => {
    expect(learnerCreateBody(learner, links, { ...allOff, setStudentIdToLrn: true }).studentId).to.equal('LRN123');
    expect(learnerCreateBody(learner, links, allOff)).not.to.have.property('studentId');
    expect(learnerCreateBody({ ...learner, lrn: null }, links, { ...allOff, setStudentIdToLrn: true })).not.to.have.property('studentId');
  });

  it('sends gender only when Update Learner Gender is on', () => {
    expect(learnerCreateBody(learner, links, { ...allOff, updateLearnerGender: true }).gender).to.equal('Female');
    expect(learnerCreateBody(learner, links, allOff)).not.to.have.property('gender');
  });

  it('asks for the welcome email per the setting', () => {
    expect(learnerCreateBody(learner, links, { ...allOff, sendLearnerWelcomeEmail: true }).sendWelcomeEmail).to.equal(true);
  });

  it('builds the employer from the organisation’s §3 fields, ref as misReference', () => {
    expect(
      employerCreateBody({
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
        additionalId: null,
      }),
    ).to.deep.equal({
      misReference: 'ORG7',
      name: 'Acme Ltd',
      phone: '0113 496 0000',
      edrsNumber: '123456789',
      address1: 'Unit 4',
      address2: 'Mill Lane',
      address4: 'Leeds',
      postcode: 'LS1 4AP',
      website: 'https://acme.example',
      employerSize: '50-249',
    });
  });

  it('builds the assessor from the officer, ref as misReference', () => {
    expect(assessorCreateBody({ ref: 'OFF2', firstName: 'Sam', surname: 'Patel', email: 'sam.patel@provider.example', phone: null, mobile: '07700 900456' })).to.deep.equal({
      misReference: 'OFF2',
      firstName: 'Sam',
      surname: 'Patel',
      email: 'sam.patel@provider.example',
      mobile: '07700 900456',
    });
  });

  it('enrols an aim on its course with the aim ref as misReference, a second assessor only when there is one', () => {
    const aim = { aimRef: 'L000123-1', startDate: '2026-01-05', plannedEndDate: '2027-07-05' };
    expect(learnerCourseCreateBody(aim, { courseId: 'C1', primaryAssessorId: '88' })).to.deep.equal({
      courseId: 'C1',
      misReference: 'L000123-1',
      startDate: '2026-01-05',
      plannedEndDate: '2027-07-05',
      primaryAssessorId: '88',
    });
    expect(learnerCourseCreateBody(aim, { courseId: 'C1', primaryAssessorId: '88', secondaryAssessorId: '89' }).secondaryAssessorId).to.equal('89');
    expect(learnerCourseCreateBody(aim, { courseId: 'C1', primaryAssessorId: '88', secondaryAssessorId: null })).not.to.have.property('secondaryAssessorId');
  });
});
