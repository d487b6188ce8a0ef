import type { ValueTransformer } from 'typeorm';

/** PostgreSQL `numeric` comes back as a string; the MIS holds hours as numbers. */
export const numericTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null || value === undefined ? null : Number(value)),
};
