import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

export type CommandValues<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: O }>>['values'];

/**
 * The commands' flags, read the same way by each: a flag it does not know (or a missing
 * value) prints the reason and the usage, exit status 2; `--help` prints the usage,
 * exit status 0. Answers the values, or the exit status when the command is done.
 */
export function parseCommandLine<O extends ParseArgsOptionsConfig>(args: string[], options: O, usage: string): CommandValues<O> | number {
  let values: CommandValues<O>;
  try {
    values = parseArgs({ args, options: { ...options, help: { type: 'boolean' } } }).values as CommandValues<O>;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return values;
}

/**
 * A flag that must be a whole number of at least `minimum`: its value, or undefined when
 * it was not given; a bad value adds its reason to `problems`.
 */
export function wholeFlag(values: Record<string, unknown>, flag: string, minimum: number, problems: string[]): number | undefined {
  const text = values[flag];
  if (typeof text !== 'string') return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || value < minimum) {
    problems.push(`--${flag} must be a whole number of at least ${minimum}, got "${text}"`);
    return undefined;
  }
  return value;
}
