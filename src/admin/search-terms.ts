/** Search words beyond this many are ignored: a longer query narrows nothing useful. */
const MAX_WORDS = 6;

/** Adds a value to the query's parameters and gives back its placeholder ($1, :w1…). */
export type Bind = (value: unknown) => string;

/**
 * "Every word appears somewhere in the expression", as SQL over a trigram-indexed
 * expression. Words are matched literally (LIKE's % and _ are escaped) and in lower case.
 */
export function containsAll(expression: string, search: string | undefined, bind: Bind): string | undefined {
  const words = (search ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, MAX_WORDS);
  if (words.length === 0) return undefined;
  return words.map((word) => `${expression} LIKE ${bind(`%${word.replace(/[\\%_]/g, (character) => `\\${character}`)}%`)}`).join(' AND ');
}

/** A Bind for raw SQL with $n placeholders. */
export function positionalBinder(parameters: unknown[]): Bind {
  return (value) => {
    parameters.push(value);
    return `$${parameters.length}`;
  };
}

/** A Bind for TypeORM's query builder, with :name placeholders. */
export function namedBinder(parameters: Record<string, unknown>): Bind {
  return (value) => {
    const name = `search${Object.keys(parameters).length + 1}`;
    parameters[name] = value;
    return `:${name}`;
  };
}
