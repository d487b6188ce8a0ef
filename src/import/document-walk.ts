import { isCalendarDate } from '../sync/dates.js';
import { isPlainObject } from './problems.js';

/**
 * Read-only access to a document that may still be malformed: the reference checks run
 * over every record, valid or not, and use only the values that have the right type, so
 * one bad field does not hide the problems of the others.
 */
export type PlainRecord = Record<string, unknown>;

/** The plain-object entries of an array field, each with its index. */
export function entries(holder: PlainRecord, field: string): Array<[number, PlainRecord]> {
  const list = holder[field];
  if (!Array.isArray(list)) return [];
  const found: Array<[number, PlainRecord]> = [];
  list.forEach((item: unknown, index) => {
    if (isPlainObject(item)) found.push([index, item]);
  });
  return found;
}

/** A non-blank string, else undefined. */
export function text(record: PlainRecord, field: string): string | undefined {
  const value = record[field];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function date(record: PlainRecord, field: string): string | undefined {
  const value = record[field];
  return isCalendarDate(value) ? value : undefined;
}
