/**
 * SPEC.md §4 "Rules for every comparison and write": values are compared normalised,
 * and equal after normalising is no change.
 */

/** How a field's values are normalised before they are compared. */
export type ValueKind = 'text' | 'email' | 'postcode' | 'niNumber' | 'phone' | 'date';

/** null, undefined, '' and whitespace-only strings: a value that never overwrites another. */
export function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function collapseSpaces(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** The comparable form of a value; null for a blank one. */
export function normalise(kind: ValueKind, value: unknown): string | null {
  if (isBlank(value)) return null;
  const text = collapseSpaces(value instanceof Date ? value.toISOString() : String(value));
  switch (kind) {
    case 'text':
      return text;
    case 'email':
      return text.toLowerCase();
    case 'niNumber':
      // The ILR form has no spaces, so "AB 12 34 56 C" and "AB123456C" are the same number.
      return text.replace(/ /g, '').toUpperCase();
    case 'postcode': {
      const compact = text.replace(/ /g, '').toUpperCase();
      // Every inward code is three characters, which is what lets "LS14AP" become "LS1 4AP".
      return compact.length > 3 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
    }
    case 'phone': {
      const digits = text.replace(/\D/g, '');
      if (digits === '') return text;
      return text.startsWith('+') ? `+${digits}` : digits;
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : text;
  }
}

/** True when the two values are equal after normalising (two blanks are equal). */
export function sameValue(kind: ValueKind, a: unknown, b: unknown): boolean {
  return normalise(kind, a) === normalise(kind, b);
}

/** A qualification reference as Smart Assessor's `qanCode` holds it: no '/', no spaces, upper case. */
export function normaliseQualificationReference(reference: string): string {
  return reference.replace(/[\s/]/g, '').toUpperCase();
}
