import type { EmailWrite } from './write-recorder.js';

/** One MIS edit the live bench made: the learner's new email, committed at `at` (ms since the epoch). */
export interface EmailEdit {
  at: number;
  saLearnerId: string;
  email: string;
}

export interface LiveDelivery {
  edits: number;
  /** Edits whose value (or a later one of the same learner) reached Smart Assessor. */
  delivered: number;
  /** For each delivered edit, ms from its commit to the Smart Assessor write that carried it or a later value. */
  latenciesMs: number[];
  /** Email writes Smart Assessor answered for the edited learners. */
  writes: number;
  /** Writes that sent a learner the email it already had (its previous write's, or its first): sent twice. */
  repeated: number;
}

function byLearner<T extends { saLearnerId: string; at: number }>(items: readonly T[]): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const item of items) grouped.set(item.saLearnerId, [...(grouped.get(item.saLearnerId) ?? []), item]);
  for (const list of grouped.values()) list.sort((a, b) => a.at - b.at);
  return grouped;
}

/**
 * How the edits reached Smart Assessor. An edit counts as there at the first write, at or
 * after its commit, of its own value or a later edit's (a burst coalesced into one write
 * delivers every edit of it). `firstEmails` is what each learner held before the edits.
 */
export function liveDelivery(edits: readonly EmailEdit[], writes: readonly EmailWrite[], firstEmails: ReadonlyMap<string, string | null>): LiveDelivery {
  const writesOf = byLearner(writes.filter((write) => firstEmails.has(write.saLearnerId)));
  const result: LiveDelivery = { edits: edits.length, delivered: 0, latenciesMs: [], writes: 0, repeated: 0 };
  for (const [learner, learnerEdits] of byLearner(edits)) {
    const learnerWrites = writesOf.get(learner) ?? [];
    learnerEdits.forEach((edit, index) => {
      const carried = new Set(learnerEdits.slice(index).map((later) => later.email));
      const write = learnerWrites.find((each) => each.at >= edit.at && carried.has(each.email));
      if (!write) return;
      result.delivered += 1;
      result.latenciesMs.push(write.at - edit.at);
    });
  }
  for (const [learner, learnerWrites] of writesOf) {
    let held = firstEmails.get(learner) ?? null;
    for (const write of learnerWrites) {
      result.writes += 1;
      if (write.email === held) result.repeated += 1;
      held = write.email;
    }
  }
  return result;
}

/** Whether every edited learner's last edit is in Smart Assessor. */
export function allDelivered(edits: readonly EmailEdit[], writes: readonly EmailWrite[]): boolean {
  const last = new Map<string, string>();
  for (const edit of [...edits].sort((a, b) => a.at - b.at)) last.set(edit.saLearnerId, edit.email);
  const written = new Set(writes.map((write) => `${write.saLearnerId}\n${write.email}`));
  return [...last].every(([learner, email]) => written.has(`${learner}\n${email}`));
}

/** The `share` quantile (0..1) of `values`, nearest rank; null for none. */
export function percentile(values: readonly number[], share: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))];
}
