/**
 * A small seeded generator (mulberry32). Each record draws from its own stream, keyed by
 * the seed, the kind of record and its index, so learner 70,000 can be produced on its
 * own, without generating (or holding) the 69,999 before it.
 */
function mix(hash: number, value: number): number {
  let h = Math.imul(hash ^ (value >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Random {
  #state: number;

  constructor(...keys: number[]) {
    this.#state = keys.reduce(mix, 0x9e3779b9);
  }

  /** In [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** One of `options`, chosen with the given weights. */
  weighted<T>(options: ReadonlyArray<readonly [T, number]>): T {
    const total = options.reduce((sum, [, weight]) => sum + weight, 0);
    let draw = this.next() * total;
    for (const [value, weight] of options) {
      draw -= weight;
      if (draw < 0) return value;
    }
    return options[options.length - 1][0];
  }
}

/** Record kinds, so that each kind's streams differ for the same index. */
export const STREAM = { learner: 1, organisation: 2, officer: 3, permutation: 4 } as const;

function gcd(a: bigint, b: bigint): bigint {
  return b === 0n ? a : gcd(b, a % b);
}

/**
 * A bijection of [0, size): `index → (a·index + c) mod size` with `a` coprime to `size`.
 * It hands out identifiers (ULNs, NI numbers, EDRS numbers) that look random yet can
 * never repeat, without remembering the ones already given.
 */
export class Permutation {
  readonly #size: bigint;
  readonly #a: bigint;
  readonly #c: bigint;

  constructor(size: number, random: Random) {
    this.#size = BigInt(size);
    let a = BigInt(Math.floor(random.next() * size)) | 1n;
    while (gcd(a, this.#size) !== 1n) a = (a + 2n) % this.#size;
    this.#a = a;
    this.#c = BigInt(Math.floor(random.next() * size));
  }

  at(index: number): number {
    return Number((this.#a * BigInt(index) + this.#c) % this.#size);
  }
}
