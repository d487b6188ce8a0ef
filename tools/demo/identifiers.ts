import { Permutation, type Random } from './random.js';

/**
 * Identifiers that pass the checks real systems apply: ULNs with their mod-11 check
 * digit, NI numbers in the ILR's format, postcodes in the Royal Mail's shape.
 */

const ULN_BODIES = 900_000_000; // nine digits, the first not 0

/** ILR: weights 10..2 over the first nine digits; check = 10 − (sum mod 11); a check of 10 means no valid ULN. */
export function ulnCheckDigit(firstNine: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 10 - (sum % 11);
  return check === 10 ? undefined : check;
}

/** Distinct ULNs for distinct indexes below `count`. */
export class UlnSource {
  readonly #permutation: Permutation;

  constructor(
    private readonly count: number,
    random: Random,
  ) {
    this.#permutation = new Permutation(ULN_BODIES, random);
  }

  /**
   * Bodies whose check digit would be 10 are skipped by stepping `count` further, so each
   * index walks its own residue class and no two indexes ever meet.
   */
  uln(index: number): string {
    for (let step = index; ; step += this.count) {
      const body = String(100_000_000 + this.#permutation.at(step));
      const check = ulnCheckDigit(body);
      if (check !== undefined) return body + String(check);
    }
  }
}

const NI_FIRST_BANNED = new Set('DFIQUV');
const NI_SECOND_BANNED = new Set('DFIOQUV');
const NI_PREFIXES_BANNED = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export const NI_PREFIXES: readonly string[] = [...LETTERS].flatMap((first) =>
  [...LETTERS].filter((second) => !NI_FIRST_BANNED.has(first) && !NI_SECOND_BANNED.has(second) && !NI_PREFIXES_BANNED.has(first + second)).map((second) => first + second),
);

/** Distinct NI numbers (prefix, six digits, suffix A–D) for distinct indexes. */
export class NiNumberSource {
  readonly #permutation: Permutation;

  constructor(random: Random) {
    this.#permutation = new Permutation(NI_PREFIXES.length * 1_000_000, random);
  }

  niNumber(index: number, random: Random): string {
    const code = this.#permutation.at(index);
    const prefix = NI_PREFIXES[Math.floor(code / 1_000_000)];
    return `${prefix}${String(code % 1_000_000).padStart(6, '0')}${random.pick(['A', 'B', 'C', 'D'])}`;
  }
}

/** Letters the Royal Mail uses in the inward code (never C, I, K, M, O or V). */
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export function postcode(outward: string, random: Random): string {
  return `${outward} ${random.int(0, 9)}${random.pick([...INWARD_LETTERS])}${random.pick([...INWARD_LETTERS])}`;
}
