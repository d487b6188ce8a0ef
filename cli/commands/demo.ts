import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { DemoProvider, writeDemoProvider } from '../../tools/demo/generate.js';
import { parseCommandLine, wholeFlag } from './command-line.js';

const USAGE = `usage: sai demo --learners N [--seed S] [--today YYYY-MM-DD] [--out FILE]
Writes a demo provider of N learners in the import format (to FILE, or stdout), for
\`sai import FILE\`.`;

interface DemoArguments {
  learners: number;
  seed?: number;
  today?: string;
  out?: string;
}

function parseArguments(args: string[]): DemoArguments | number {
  const values = parseCommandLine(args, { learners: { type: 'string' }, seed: { type: 'string' }, today: { type: 'string' }, out: { type: 'string' } }, USAGE);
  if (typeof values === 'number') return values;
  const problems: string[] = [];
  const learners = wholeFlag(values, 'learners', 1, problems);
  if (learners === undefined && values.learners === undefined) problems.push('--learners N is required');
  const seed = wholeFlag(values, 'seed', 0, problems);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}\n`);
    return 2;
  }
  return { learners: learners!, seed, today: values.today, out: values.out };
}

/** `sai demo`: writes a demo provider document, learner by learner, to FILE or stdout. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseArguments(args);
  if (typeof parsed === 'number') return parsed;
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
