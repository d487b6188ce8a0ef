import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { DemoProvider, writeDemoProvider } from '../demo/generate.js';

const USAGE = 'usage: sai demo --learners N [--seed S] [--today YYYY-MM-DD] [--out FILE]';

interface DemoArguments {
  learners: number;
  seed?: number;
  today?: string;
  out?: string;
}

function parseArguments(args: string[]): DemoArguments | string {
  const given: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (!['--learners', '--seed', '--today', '--out'].includes(flag)) return `unknown option ${flag}`;
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    given[flag.slice(2)] = value;
  }
  if (given.learners === undefined) return '--learners N is required';
  const whole = (name: string, text: string) => (/^-?\d+$/.test(text) ? Number(text) : `--${name} must be a whole number, not "${text}"`);
  const learners = whole('learners', given.learners);
  if (typeof learners === 'string') return learners;
  if (learners < 1) return `--learners must be at least 1, not ${learners}`;
  const seed = given.seed === undefined ? undefined : whole('seed', given.seed);
  if (typeof seed === 'string') return seed;
  return { learners, seed, today: given.today, out: given.out };
}

/** `sai demo`: writes a demo provider document, learner by learner, to FILE or stdout. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseArguments(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`${parsed}\n${USAGE}\n`);
    return 2;
  }
  let provider: DemoProvider;
  try {
    provider = new DemoProvider({ learners: parsed.learners, seed: parsed.seed, today: parsed.today });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.out === undefined) {
    await writeDemoProvider(process.stdout, provider);
    return 0;
  }
  const out = createWriteStream(parsed.out);
  try {
    await writeDemoProvider(out, provider);
  } finally {
    out.end();
  }
  await finished(out);
  process.stderr.write(`wrote ${parsed.learners} learners to ${parsed.out}\n`);
  return 0;
}
