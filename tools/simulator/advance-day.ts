import type { SessionType } from '../../src/smart-assessor/types.js';
import type { SeededRandom } from './random.js';
import type { LearnerRecord, SessionRecord } from './records.js';
import type { SimulatorStore } from './store.js';

/**
 * A day in the life of a site, so that the daily sync has real work: for each active
 * learner, criteria are signed off, sessions are booked and closed (attended, not
 * attended or cancelled, with their assessor and comments), off-the-job hours are
 * logged and Smart Coach rescores some learners. The same seed gives the same days.
 */

export interface DaySummary {
  /** The simulated date that has just passed. */
  day: string;
  learners: number;
  coursesProgressed: number;
  sessionsBooked: number;
  sessionsClosed: number;
  otjLogged: number;
  scoresChanged: number;
}

const BOOKABLE: readonly { type: SessionType; title: string; weight: number }[] = [
  { type: 'FormalReview', title: 'Progress review', weight: 5 },
  { type: 'General', title: 'Assessor visit', weight: 4 },
  { type: 'Telephone', title: 'Telephone catch-up', weight: 3 },
  { type: 'OutOfTheWorkplace', title: 'Off-the-job workshop', weight: 2 },
  { type: 'LearnerSupport', title: 'Learning support session', weight: 1 },
  { type: 'TestsExams', title: 'Functional skills test', weight: 1 },
  { type: 'Induction', title: 'Programme induction', weight: 1 },
  { type: 'GatewayReady', title: 'Gateway readiness meeting', weight: 1 },
];
const TOTAL_WEIGHT = BOOKABLE.reduce((sum, entry) => sum + entry.weight, 0);

const COMMENTS: Record<'Attended' | 'NotAttended' | 'Cancelled', readonly string[]> = {
  Attended: ['Good progress against the plan.', 'Portfolio evidence reviewed and signed off.', 'Targets agreed for the next month.'],
  NotAttended: ['Learner did not attend; employer contacted.', 'No show; rebooking needed.'],
  Cancelled: ['Cancelled by the employer.', 'Assessor unavailable; to be rebooked.'],
};

const DAY_MS = 86_400_000;

export function advanceDay(store: SimulatorStore, random: SeededRandom, now = Date.now()): DaySummary {
  const day = store.today;
  const dayStart = Date.parse(`${day}T00:00:00Z`);
  const summary: DaySummary = { day, learners: 0, coursesProgressed: 0, sessionsBooked: 0, sessionsClosed: 0, otjLogged: 0, scoresChanged: 0 };

  for (const learner of store.learners.values()) {
    if (learner.status !== 'Active') continue;
    summary.learners += 1;
    summary.coursesProgressed += progressCourses(learner, random, now);
    summary.sessionsClosed += closeSessions(learner, random, dayStart, now);
    if (random.chance(0.12)) {
      learner.sessions.push(bookSession(store, learner, random, dayStart, now));
      summary.sessionsBooked += 1;
    }
    if (random.chance(0.3)) {
      learner.actualOtjHours += random.between(1, 15) / 2;
      learner.otjUpdatedAt = now;
      summary.otjLogged += 1;
    }
    if (random.chance(0.05)) {
      const riskScore = Math.round(random.next() * 100) / 100;
      learner.smartCoach = { riskScore, riskBand: riskScore < 0.34 ? 'Low' : riskScore < 0.67 ? 'Medium' : 'High', scoredAt: now };
      learner.updatedAt = now;
      summary.scoresChanged += 1;
    }
  }
  store.today = new Date(dayStart + DAY_MS).toISOString().slice(0, 10);
  return summary;
}

function progressCourses(learner: LearnerRecord, random: SeededRandom, now: number): number {
  let progressed = 0;
  for (const course of learner.courses) {
    if (course.status !== 'AwaitingInduction' && course.status !== 'InTraining') continue;
    if (course.elementsDone >= course.elementsTotal || !random.chance(0.35)) continue;
    course.elementsDone = Math.min(course.elementsTotal, course.elementsDone + random.between(1, 3));
    course.status = 'InTraining';
    course.updatedAt = now;
    progressed += 1;
  }
  return progressed;
}

/** Sessions whose day has come are closed on most days; some wait for the assessor to catch up. */
function closeSessions(learner: LearnerRecord, random: SeededRandom, dayStart: number, now: number): number {
  let closed = 0;
  for (const session of learner.sessions) {
    if (session.status !== null || session.startTime >= dayStart + DAY_MS || !random.chance(0.7)) continue;
    const roll = random.next();
    const status = roll < 0.72 ? 'Attended' : roll < 0.86 ? 'NotAttended' : 'Cancelled';
    session.status = status;
    session.comments = random.pick(COMMENTS[status]);
    session.feedback = status === 'Attended' ? 'Learner engaged well.' : null;
    session.updatedAt = now;
    closed += 1;
  }
  return closed;
}

function bookSession(store: SimulatorStore, learner: LearnerRecord, random: SeededRandom, dayStart: number, now: number): SessionRecord {
  let roll = random.next() * TOTAL_WEIGHT;
  const kind = BOOKABLE.find((entry) => (roll -= entry.weight) < 0) ?? BOOKABLE[0]!;
  // From two days back (booked late) to a week ahead, in working hours.
  const startTime = dayStart + random.between(-2, 7) * DAY_MS + random.between(9, 16) * 3_600_000;
  const course = learner.courses.length > 0 ? random.pick(learner.courses) : undefined;
  return {
    id: store.newSessionId(),
    sessionType: kind.type,
    title: kind.title,
    startTime,
    durationMinutes: random.pick([30, 45, 60, 90]),
    assessorId: learner.assessorId,
    learnerCourseId: course?.id ?? null,
    status: null,
    planningNotes: 'Agenda sent to the learner and employer.',
    feedback: null,
    comments: null,
    updatedAt: now,
  };
}
