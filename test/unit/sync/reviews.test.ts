import { expect } from 'chai';
import { planReviews, type PicsReview, type ReviewSession, type ReviewsInput } from '../../../src/sync/index.js';

const session = (overrides: Partial<ReviewSession> = {}): ReviewSession => ({
  id: '77123',
  sessionType: 'FormalReview',
  startTime: '2026-06-30T23:30:00Z',
  assessorId: '88',
  status: 'Attended',
  comments: 'Good progress on unit 4.',
  ...overrides,
});

const officers = [
  { id: 2, ref: 'OFF2', additionalId: '88' },
  { id: 3, ref: 'OFF3', additionalId: '89' },
  { id: 4, ref: 'OFF4', additionalId: null },
];

function input<R extends PicsReview>(sessions: ReviewSession[], reviews: R[], overrides: Partial<ReviewsInput<R>> = {}): ReviewsInput<R> {
  let next = 45;
  return {
    sessions,
    reviews,
    reviewTypeMappings: { FormalReview: 'PR', Induction: 'IND', Telephone: null, General: '  ' },
    officers,
    newReviewIdent: () => `R0000${next++}`,
    ...overrides,
  };
}

const existing = (overrides: Partial<PicsReview> = {}): PicsReview => ({
  reviewIdent: 'R000010',
  smartAssessorSystemId: '77123',
  plannedDate: '2026-07-01',
  actualDate: '2026-07-01',
  officerId: 2,
  attendedStatus: 'Attended',
  notes: 'Good progress on unit 4.',
  ...overrides,
});

describe('sync rules: reviews', () => {
  describe('new reviews', () => {
    it('creates a review for a mapped session: new ident, mapped type, System ID, and the session’s fields', () => {
      const plan = planReviews(input([session()], []));
      expect(plan.creates).to.deep.equal([
        {
          reviewIdent: 'R000045',
          reviewTypeCode: 'PR',
          smartAssessorSystemId: '77123',
          plannedDate: '2026-07-01',
          actualDate: '2026-07-01',
          officerId: 2,
          attendedStatus: 'Attended',
          notes: 'Good progress on unit 4.',
        },
      ]);
      expect(plan.updates).to.deep.equal([]);
    });

    it('records the new review’s fields, attended status from Unknown', () => {
      expect(planReviews(input([session()], [])).changes).to.deep.equal([
        { record: 'review R000045', field: 'reviewType', from: null, to: 'PR', direction: 'pull' },
        { record: 'review R000045', field: 'smartAssessorSystemId', from: null, to: '77123', direction: 'pull' },
        { record: 'review R000045', field: 'plannedDate', from: null, to: '2026-07-01', direction: 'pull' },
        { record: 'review R000045', field: 'actualDate', from: null, to: '2026-07-01', direction: 'pull' },
        { record: 'review R000045', field: 'officer', from: null, to: 'OFF2', direction: 'pull' },
        { record: 'review R000045', field: 'attendedStatus', from: 'Unknown', to: 'Attended', direction: 'pull' },
        { record: 'review R000045', field: 'notes', from: null, to: 'Good progress on unit 4.', direction: 'pull' },
      ]);
    });

    it('dates the review by the session’s start in UK time (BST)', () => {
      expect(planReviews(input([session({ startTime: '2026-06-30T23:30:00Z' })], [])).creates[0].plannedDate).to.equal('2026-07-01');
    });

    it('dates the review by the session’s start in UK time (GMT)', () => {
      expect(planReviews(input([session({ startTime: '2026-01-15T23:30:00Z' })], [])).creates[0].plannedDate).to.equal('2026-01-15');
    });

    it('leaves an open session Unknown, with no actual date', () => {
      const [created] = planReviews(input([session({ status: null })], [])).creates;
      expect(created).to.include({ attendedStatus: 'Unknown', actualDate: null, plannedDate: '2026-07-01' });
      expect(planReviews(input([session({ status: null })], [])).changes.map((change) => change.field)).not.to.include('attendedStatus');
    });

    it('takes Not Attended and Cancelled, with no actual date', () => {
      expect(planReviews(input([session({ status: 'NotAttended' })], [])).creates[0]).to.include({ attendedStatus: 'NotAttended', actualDate: null });
      expect(planReviews(input([session({ status: 'Cancelled' })], [])).creates[0]).to.include({ attendedStatus: 'Cancelled', actualDate: null });
    });

    it('leaves the officer blank when the session has no assessor or none of the officers is it', () => {
      expect(planReviews(input([session({ assessorId: null })], [])).creates[0].officerId).to.equal(null);
      expect(planReviews(input([session({ assessorId: '999' })], [])).creates[0].officerId).to.equal(null);
    });

    it('finds the officer whose Additional ID is the session’s assessor', () => {
      expect(planReviews(input([session({ assessorId: '89' })], [])).creates[0].officerId).to.equal(3);
    });

    it('leaves notes blank when the session has no comments', () => {
      expect(planReviews(input([session({ comments: null })], [])).creates[0].notes).to.equal(null);
      expect(planReviews(input([session({ comments: '  ' })], [])).creates[0].notes).to.equal(null);
    });

    it('asks for one new ident per review created, passing the session', () => {
      const asked: string[] = [];
      const plan = planReviews(
        input([session({ id: 'S1' }), session({ id: 'S2', sessionType: 'Induction' })], [], {
          newReviewIdent: (from) => {
            asked.push(from.id);
            return `R-${from.id}`;
          },
        }),
      );
      expect(asked).to.deep.equal(['S1', 'S2']);
      expect(plan.creates.map((created) => [created.reviewIdent, created.reviewTypeCode])).to.deep.equal([
        ['R-S1', 'PR'],
        ['R-S2', 'IND'],
      ]);
    });

    it('creates one review for a session listed twice, from its latest state', () => {
      const plan = planReviews(input([session({ status: null }), session({ status: 'Attended' })], []));
      expect(plan.creates).to.have.length(1);
      expect(plan.creates[0].attendedStatus).to.equal('Attended');
    });
  });

  describe('ignored session types', () => {
    it('ignores a session type mapped to nothing, to null, or to blank', () => {
      const sessions = [session({ id: 'S1', sessionType: 'EPA' }), session({ id: 'S2', sessionType: 'Telephone' }), session({ id: 'S3', sessionType: 'General' })];
      const plan = planReviews(input(sessions, []));
      expect(plan.creates).to.deep.equal([]);
      expect(plan.changes).to.deep.equal([]);
      expect(plan.ignored.map((ignored) => ignored.id)).to.deep.equal(['S1', 'S2', 'S3']);
    });

    it('leaves the existing review of a now-ignored session type as it is', () => {
      const plan = planReviews(input([session({ sessionType: 'Telephone', status: 'Cancelled' })], [existing()]));
      expect(plan.updates).to.deep.equal([]);
      expect(plan.creates).to.deep.equal([]);
    });
  });

  describe('existing reviews', () => {
    it('changes nothing when the review already matches its session', () => {
      expect(planReviews(input([session()], [existing()]))).to.deep.equal({ creates: [], updates: [], ignored: [], changes: [] });
    });

    it('matches on Smart Assessor System ID and sets only the fields that differ', () => {
      const review = existing({ attendedStatus: 'Unknown', actualDate: null });
      const plan = planReviews(input([session()], [review]));
      expect(plan.creates).to.deep.equal([]);
      expect(plan.updates).to.deep.equal([{ review, set: { actualDate: '2026-07-01', attendedStatus: 'Attended' } }]);
      expect(plan.updates[0].review).to.equal(review);
      expect(plan.changes).to.deep.equal([
        { record: 'review R000010', field: 'actualDate', from: null, to: '2026-07-01', direction: 'pull' },
        { record: 'review R000010', field: 'attendedStatus', from: 'Unknown', to: 'Attended', direction: 'pull' },
      ]);
    });

    it('moves the planned date with the session', () => {
      const plan = planReviews(input([session({ startTime: '2026-08-03T09:00:00Z', status: null })], [existing({ actualDate: null, attendedStatus: 'Unknown' })]));
      expect(plan.updates[0].set).to.deep.equal({ plannedDate: '2026-08-03' });
    });

    it('takes a new status from the session but keeps the actual date the session no longer has, saying so', () => {
      const plan = planReviews(input([session({ status: 'Cancelled' })], [existing()]));
      expect(plan.updates[0].set).to.deep.equal({ attendedStatus: 'Cancelled' });
      expect(plan.changes).to.deep.equal([
        { record: 'review R000010', field: 'actualDate', from: null, to: '2026-07-01', direction: 'kept' },
        { record: 'review R000010', field: 'attendedStatus', from: 'Attended', to: 'Cancelled', direction: 'pull' },
      ]);
    });

    it('keeps the officer when the session has no assessor, or one no officer is, naming the officer by ref', () => {
      for (const assessorId of [null, '  ', '999']) {
        const plan = planReviews(input([session({ assessorId })], [existing()]));
        expect(plan.updates, String(assessorId)).to.deep.equal([]);
        expect(plan.changes).to.deep.equal([{ record: 'review R000010', field: 'officer', from: null, to: 'OFF2', direction: 'kept' }]);
      }
    });

    it('erases nothing when a session is reopened without comments or a linked assessor: every value the review holds is kept', () => {
      const plan = planReviews(input([session({ status: null, comments: null, assessorId: '999' })], [existing()]));
      expect(plan.updates).to.deep.equal([]);
      expect(plan.changes).to.deep.equal([
        { record: 'review R000010', field: 'actualDate', from: null, to: '2026-07-01', direction: 'kept' },
        { record: 'review R000010', field: 'officer', from: null, to: 'OFF2', direction: 'kept' },
        { record: 'review R000010', field: 'attendedStatus', from: null, to: 'Attended', direction: 'kept' },
        { record: 'review R000010', field: 'notes', from: null, to: 'Good progress on unit 4.', direction: 'kept' },
      ]);
    });

    it('keeps nothing the review does not hold: a blank from the session over a blank is no change', () => {
      const bare = existing({ actualDate: null, officerId: null, attendedStatus: 'Unknown', notes: null });
      expect(planReviews(input([session({ status: null, comments: null, assessorId: null })], [bare]))).to.deep.equal({ creates: [], updates: [], ignored: [], changes: [] });
    });

    it('changes the officer to the session’s assessor', () => {
      const plan = planReviews(input([session({ assessorId: '89' })], [existing()]));
      expect(plan.updates[0].set).to.deep.equal({ officerId: 3 });
      expect(plan.changes[0]).to.include({ field: 'officer', from: 'OFF2', to: 'OFF3' });
    });

    it('names an officer not among those given by id', () => {
      const plan = planReviews(input([session()], [existing({ officerId: 77 })]));
      expect(plan.changes[0]).to.include({ field: 'officer', from: 77, to: 'OFF2' });
    });

    it('takes the session’s comments as notes, and treats a difference of spacing only as no change', () => {
      expect(planReviews(input([session({ comments: 'Unit 5 signed off.' })], [existing()])).updates[0].set).to.deep.equal({ notes: 'Unit 5 signed off.' });
      expect(planReviews(input([session({ comments: ' Good  progress on unit 4. ' })], [existing()])).updates).to.deep.equal([]);
    });

    it('keeps an existing review’s type when the mapping has changed (type is set at creation only)', () => {
      const plan = planReviews(input([session({ status: 'Cancelled' })], [existing()], { reviewTypeMappings: { FormalReview: 'NEWTYPE' } }));
      expect(plan.creates).to.deep.equal([]);
      expect(plan.updates[0].set).not.to.have.property('reviewTypeCode');
      expect(plan.changes.map((change) => change.field)).not.to.include('reviewType');
    });

    it('gives reviews created after a mapping change the new type', () => {
      const plan = planReviews(input([session({ id: 'S2' })], [existing()], { reviewTypeMappings: { FormalReview: 'NEWTYPE' } }));
      expect(plan.creates[0].reviewTypeCode).to.equal('NEWTYPE');
    });

    it('matches a System ID regardless of surrounding spaces', () => {
      expect(planReviews(input([session({ id: '77123' })], [existing({ smartAssessorSystemId: ' 77123 ' })])).creates).to.deep.equal([]);
    });
  });

  describe('never deleting', () => {
    it('leaves alone a review whose session SA no longer lists, and one the MIS made itself', () => {
      const gone = existing({ reviewIdent: 'R000011', smartAssessorSystemId: '66000' });
      const madeInMis = existing({ reviewIdent: 'R000012', smartAssessorSystemId: null });
      const plan = planReviews(input([session({ id: 'S9' })], [gone, madeInMis]));
      expect(plan.updates).to.deep.equal([]);
      expect(plan.changes.map((change) => change.record)).not.to.include.members(['review R000011', 'review R000012']);
      expect(Object.keys(plan)).to.have.members(['creates', 'updates', 'ignored', 'changes']);
    });

    it('leaves every review alone when SA lists no sessions', () => {
      expect(planReviews(input([], [existing()]))).to.deep.equal({ creates: [], updates: [], ignored: [], changes: [] });
    });
  });
});
