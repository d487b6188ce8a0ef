import { planCourseTakeovers, type PicsAimProgress } from '../sync/index.js';

/** An aim as the progress job reads it: its link, and the aim it restarts. */
export type RestartableAim = PicsAimProgress & { id: number; restartOfId?: number | null };

/**
 * The aims linked to an SA learner course once this run's restart takeovers are made.
 * The status job makes them (planCourseTakeovers); the progress job reads progress as if
 * they were already made, so a restart aim gets its course's progress in the run that
 * hands it the course, whichever of the two jobs runs first.
 */
export function linkedAfterTakeovers<A extends RestartableAim>(aims: readonly A[]): A[] {
  const moved = new Map<number, string | null>();
  for (const { learnerCourseId, from, to } of planCourseTakeovers(aims)) {
    moved.set(from.id, null);
    moved.set(to.id, learnerCourseId);
  }
  return aims.map((aim) => (moved.has(aim.id) ? { ...aim, saLearnerCourseId: moved.get(aim.id) ?? null } : aim)).filter((aim) => aim.saLearnerCourseId?.trim());
}
