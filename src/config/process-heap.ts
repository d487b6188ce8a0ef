/**
 * How large a process lets V8's heap grow, by command.
 *
 * V8 lets the old generation grow to a multiple of what survived its last full
 * collection before it collects again, and that multiple follows the heap's limit. The
 * scheduler holds little live whatever the provider's size, but its fan-out promotes
 * short-lived objects at every scavenge, so under Node's default limit its peak followed
 * the length of the fan-out; under 512 MB it collects in proportion to what it holds and
 * its peak stays flat (README, Benchmark, has the measurements). The limit is a ceiling
 * a healthy scheduler never nears.
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
