import { InitialSchema1764320000000 } from './1764320000000-initial-schema.js';

/** In order. A new migration is added here and never edited once released. */
export const MIGRATIONS = [InitialSchema1764320000000];
