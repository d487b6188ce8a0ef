import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateBy, ValidateIf, validateSync } from 'class-validator';
import { DEMOGRAPHICS_MODES, SESSION_TYPES, type DemographicsMode, type SessionType } from '../../entities/enums.js';
import { fieldProblems } from './field-problems.js';

/** What may be written: every §2 setting, each optional. A null password or client key clears it. */
export interface SettingsPatch {
  integrationEnabled?: boolean;
  baseUrl?: string | null;
  username?: string | null;
  password?: string | null;
  clientKey?: string | null;
  sendLearnerWelcomeEmail?: boolean;
  setStudentIdToLrn?: boolean;
  updateRiskFromSmartCoach?: boolean;
  learnerDemographicsMode?: DemographicsMode;
  officerDemographicsMode?: DemographicsMode;
  organisationDemographicsMode?: DemographicsMode;
  updateLearnerGender?: boolean;
  secondAssessorRole?: string | null;
  pushChangesToLearnerEmployer?: boolean;
  /** Merged into the stored mappings; a null un-maps that session type (its sessions are ignored). */
  reviewTypeMappings?: Partial<Record<SessionType, string | null>>;
  dailySchedule?: string;
  timezone?: string;
  liveSync?: boolean;
  /** Where run alerts are POSTed (write-only, sealed like the password); null stops them. */
  notificationWebhookUrl?: string | null;
}

/** Shown by the API but never written through it. */
const READ_ONLY = new Set(['passwordSet', 'clientKeySet', 'notificationWebhookUrlSet', 'lastSynchronisedAt']);

const present = (_: object, value: unknown) => value !== undefined;
/** Far beyond any real password or client key; only a bound on what is encrypted and stored. */
const SECRET_MAX = 1000;
/** As long as a review type's code may be (entities/review-type.ts). */
const REVIEW_TYPE_CODE_MAX = 32;
const HTTPS_ONLY = 'must be an https:// URL (http:// only to this machine: localhost, 127.0.0.1 or [::1])';

/**
 * What goes to these addresses must not cross a network readable — the Smart Assessor
 * password and client key (the base URL), run alerts naming runs and failures (the
 * webhook) — so they are https:// unless they are this machine (the built-in simulator, a
 * tunnel's local end, a local receiver), which no one else can listen on.
 */
export function httpsUnlessLoopback(value: unknown): boolean {
  // Anything but an http:// URL is the URL check's to refuse, not this one's.
  if (typeof value !== 'string' || !value.startsWith('http://')) return true;
  try {
    return isLoopbackHost(new URL(value).hostname);
  } catch {
    return true;
  }
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

const HttpsUnlessLoopback = (message: string) => ValidateBy({ name: 'httpsUnlessLoopback', validator: { validate: httpsUnlessLoopback, defaultMessage: () => message } });
const MODES = `must be one of ${DEMOGRAPHICS_MODES.join(', ')}`;
const BOOLEAN = 'must be true or false';
const WEBHOOK_URL = 'must be an https:// URL, or null for no notifications';

class SettingsPatchSchema {
  @ValidateIf(present)
  @IsBoolean({ message: BOOLEAN })
  integrationEnabled?: boolean;

  @IsOptional()
  @IsString({ message: 'must be an http(s):// URL or null' })
  @MaxLength(500, { message: 'must be at most 500 characters' })
  @Matches(/^https?:\/\/[^\s/?#]+[^\s]*$/, { message: 'must be an http(s):// URL or null' })
  @HttpsUnlessLoopback(HTTPS_ONLY)
  baseUrl?: string | null;

  @IsOptional()
  @IsString({ message: 'must be a string or null' })
  @MinLength(1, { message: 'must not be empty (null clears it)' })
  @MaxLength(256, { message: 'must be at most 256 characters' })
  username?: string | null;

  @IsOptional()
  @IsString({ message: 'must be a string or null' })
  @MinLength(1, { message: 'must not be empty (null clears it)' })
  @MaxLength(SECRET_MAX, { message: `must be at most ${SECRET_MAX} characters` })
  password?: string | null;

  @IsOptional()
  @IsString({ message: 'must be a string or null' })
  @MinLength(1, { message: 'must not be empty (null clears it)' })
  @MaxLength(SECRET_MAX, { message: `must be at most ${SECRET_MAX} characters` })
  clientKey?: string | null;

  @ValidateIf(present)
  @IsBoolean({ message: BOOLEAN })
  sendLearnerWelcomeEmail?: boolean;

  @ValidateIf(present)
  @IsBoolean({ message: BOOLEAN })
  setStudentIdToLrn?: boolean;

  @ValidateIf(present)
  @IsBoolean({ message: BOOLEAN })
  updateRiskFromSmartCoach?: boolean;

  @ValidateIf(present)
  @IsIn(DEMOGRAPHICS_MODES, { message: MODES })
  learnerDemographicsMode?: DemographicsMode;

  @ValidateIf(present)
  @IsIn(DEMOGRAPHICS_MODES, { message: MODES })
  officerDemographicsMode?: DemographicsMode;

  @ValidateIf(present)
  @IsIn(DEMOGRAPHICS_MODES, { message: MODES })
  organisationDemographicsMode?: DemographicsMode;

  @ValidateIf(present)
  @IsBoolean({ message: BOOLEAN })
  updateLearnerGender?: boolean;

  @IsOptional()
  @IsString({ message: 'must be an officer role or null' })
  @MinLength(1, { message: 'must not be empty (null for none)' })
  @MaxLength(64, { message: 'must be at most 64 characters' })
  secondAssessorRole?: string | null;

  @ValidateIf(present)
  @IsBoolean({ message: BOOLEAN })
  pushChangesToLearnerEmployer?: boolean;

  /** Checked entry by entry in `settingsPatchProblems`: its keys are data, not fields. */
  @ValidateIf(() => false)
  reviewTypeMappings?: unknown;

  @ValidateIf(present)
  @IsString({ message: 'must be a time HH:MM (24-hour)' })
  @Matches(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { message: 'must be a time HH:MM (24-hour)' })
  dailySchedule?: string;

  @ValidateIf(present)
  @IsString({ message: 'must be an IANA time zone such as Europe/London' })
  @MaxLength(64, { message: 'must be at most 64 characters' })
  timezone?: string;

  @ValidateIf(present)
  @IsBoolean({ message: BOOLEAN })
  liveSync?: boolean;

  @IsOptional()
  @IsString({ message: WEBHOOK_URL })
  @MaxLength(2000, { message: 'must be at most 2000 characters' })
  @Matches(/^https?:\/\/[^\s/?#]+[^\s]*$/, { message: WEBHOOK_URL })
  @HttpsUnlessLoopback('must be https:// (http:// only for a receiver on this machine: localhost, 127.x.x.x, [::1])')
  notificationWebhookUrl?: string | null;
}

export function isIanaTimeZone(zone: string): boolean {
  // Intl also accepts offsets and odd spellings; the scheduler needs a zone name it can store and reuse.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every structural problem of a settings patch, as path → reason (paths relative to the
 * patch, e.g. `dailySchedule`, `reviewTypeMappings.FormalReview`). Whether a mapped
 * review type exists is the caller's question: see `mappedReviewTypeCodes`.
 */
export function settingsPatchProblems(patch: unknown): Record<string, string> {
  if (!isPlainObject(patch)) return { '': 'must be an object of settings' };
  const instance = plainToInstance(SettingsPatchSchema, patch);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  const problems = fieldProblems(errors, '', (key) => (READ_ONLY.has(key) ? 'is read-only' : 'is not a setting'));
  if (patch.timezone !== undefined && typeof patch.timezone === 'string' && !problems.timezone && !isIanaTimeZone(patch.timezone)) {
    problems.timezone = 'must be an IANA time zone such as Europe/London';
  }
  const mappings = patch.reviewTypeMappings;
  if (mappings !== undefined) {
    if (!isPlainObject(mappings)) {
      problems.reviewTypeMappings = 'must be an object of Smart Assessor session type → review type code or null';
    } else {
      for (const [sessionType, code] of Object.entries(mappings)) {
        const path = `reviewTypeMappings.${sessionType}`;
        if (!(SESSION_TYPES as readonly string[]).includes(sessionType)) {
          problems[path] = `is not a Smart Assessor session type (one of ${SESSION_TYPES.join(', ')})`;
        } else if (code !== null && (typeof code !== 'string' || code.trim() === '')) {
          problems[path] = 'must be a review type code or null (ignore these sessions)';
        } else if (typeof code === 'string' && code.length > REVIEW_TYPE_CODE_MAX) {
          problems[path] = `must be at most ${REVIEW_TYPE_CODE_MAX} characters`;
        }
      }
    }
  }
  return problems;
}

const SECRETS_OF_AN_ADDRESS = ['password', 'clientKey'] as const;

/**
 * admin-api.md, settings: the stored password and client key are never sent to a new
 * address, so a patch that changes `baseUrl` (to another URL, or to null: the deployment's
 * default) must carry both, new or null. Compared as written: any change needs them.
 */
export function newAddressProblems(patch: SettingsPatch, storedBaseUrl: string | null): Record<string, string> {
  if (patch.baseUrl === undefined || patch.baseUrl === storedBaseUrl) return {};
  const missing = SECRETS_OF_AN_ADDRESS.filter((key) => patch[key] === undefined);
  return Object.fromEntries(missing.map((key) => [key, 'is required when baseUrl changes: the stored one is never sent to a new address']));
}

/** The review type codes a (structurally valid) patch maps session types to, each with its path. */
export function mappedReviewTypeCodes(patch: SettingsPatch): Array<{ path: string; code: string }> {
  return Object.entries(patch.reviewTypeMappings ?? {})
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([sessionType, code]) => ({ path: `reviewTypeMappings.${sessionType}`, code }));
}
