/**
 * How large a process lets V8's heap grow, by command.
 *
 * V8 lets the old generation grow to a multiple of what survived its last full
 * collection before it collects again, and that multiple follows the heap's limit (in
 * the bench's --trace-gc: about 3.7 under Node's default limit on this 24 GB machine,
 * about 1.7 under 512 MB). The scheduler holds about 30 MB live whatever the provider's
 * size, but its fan-out promotes a few MB of short-lived objects at every scavenge
 * (pages of 50 learners promoted as much as pages of 250), so under the default limit
 * its peak followed the length of the fan-out: 203 MB at 10,000 learners, 260 MB at
 * 100,000. Under 512 MB it collects in proportion to what it holds, and the peak is the
 * same at both sizes. The limit is some fifteen times the scheduler's live heap: a
 * ceiling a healthy scheduler never nears.
 *
 * `bin/sai` applies these when it starts a command (a test holds the two in step); the
 * bench starts its scheduler with them, so it measures the scheduler as it runs.
 */
export const HEAP_LIMIT_MB: Readonly<Record<string, number>> = {
  scheduler: 512,
};

/** Node's flags for a command's process (none: Node's defaults). */
export function nodeFlagsFor(command: string): string[] {
  const limit = HEAP_LIMIT_MB[command];
  return limit === undefined ? [] : [`--max-old-space-size=${limit}`];
}
