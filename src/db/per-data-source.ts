import type { DataSource } from 'typeorm';

/**
 * One `T` per database for the life of the process, made on first use: what jobs of one
 * process share to gather their work (reads, outcome groups, settles).
 */
export function perDataSource<T>(make: (db: DataSource) => T): (db: DataSource) => T {
  const made = new WeakMap<DataSource, T>();
  return (db) => {
    let value = made.get(db);
    if (value === undefined) {
      value = make(db);
      made.set(db, value);
    }
    return value;
  };
}
