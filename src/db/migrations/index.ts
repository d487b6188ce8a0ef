import { InitialSchema1764320000000 } from './1764320000000-initial-schema.js';
import { AdminSearchIndexes1795860570446 } from './1795860570446-admin-search-indexes.js';
import { SyncRunCounters1795900000000 } from './1795900000000-sync-run-counters.js';
import { SyncEventFailedIndex1796000000000 } from './1796000000000-sync-event-failed-index.js';
import { RoomForDailyUpdates1796100000000 } from './1796100000000-room-for-daily-updates.js';
import { RunSettingsAndRecordHistory1797100000000 } from './1797100000000-run-settings-and-record-history.js';
import { AdminSessionLastSeen1797200000000 } from './1797200000000-admin-session-last-seen.js';
import { BoundedHistory1797400000000 } from './1797400000000-bounded-history.js';
import { RunNotifications1797410000000 } from './1797410000000-run-notifications.js';
import { Onboarding1797700000000 } from './1797700000000-onboarding.js';
import { LiveSync1797800000000 } from './1797800000000-live-sync.js';
import { DryRun1797900000000 } from './1797900000000-dry-run.js';

/** In order. A new migration is added here and never edited once released. */
export const MIGRATIONS = [
  InitialSchema1764320000000,
  AdminSearchIndexes1795860570446,
  SyncRunCounters1795900000000,
  SyncEventFailedIndex1796000000000,
  RoomForDailyUpdates1796100000000,
  RunSettingsAndRecordHistory1797100000000,
  AdminSessionLastSeen1797200000000,
  BoundedHistory1797400000000,
  RunNotifications1797410000000,
  Onboarding1797700000000,
  LiveSync1797800000000,
  DryRun1797900000000,
];
