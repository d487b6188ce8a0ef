import type { RiskBand } from '../../entities/enums.js';
import type { FieldChange } from '../../entities/sync-event.js';
import type { SmartCoach } from '../smart-assessor/types.js';
import { learnerRecord } from './records.js';

/** SPEC.md §4 demographics row: "Update PICS Risk using Smart Coach Score". */

const BAND_FOR_SMART_COACH: Record<SmartCoach['riskBand'], RiskBand> = { Low: 'Green', Medium: 'Yellow', High: 'Red' };

/** Low → Green, Medium → Yellow, High → Red; null when SA has no score. */
export function riskBandFromSmartCoach(smartCoach: Pick<SmartCoach, 'riskBand'> | null | undefined): RiskBand | null {
  return smartCoach ? BAND_FOR_SMART_COACH[smartCoach.riskBand] : null;
}

export interface RiskBandPlan {
  /** The learner's new risk band, when it changes. */
  misUpdates: { riskBand?: RiskBand };
  changes: FieldChange[];
}

/**
 * The learner's risk band from their Smart Coach score, when the setting is on (and the
 * run pulls: a live run's push-only settings leave it for the daily run). No score
 * leaves the band as it is (a missing prediction is not a low risk).
 */
export function planRiskBand(
  learner: { learnerIdent: string; riskBand?: RiskBand | null },
  smartCoach: Pick<SmartCoach, 'riskBand'> | null | undefined,
  settings: { updateRiskFromSmartCoach: boolean; pushOnly?: boolean },
): RiskBandPlan {
  const band = settings.updateRiskFromSmartCoach && !settings.pushOnly ? riskBandFromSmartCoach(smartCoach) : null;
  if (band === null || band === learner.riskBand) return { misUpdates: {}, changes: [] };
  return {
    misUpdates: { riskBand: band },
    changes: [{ record: learnerRecord(learner.learnerIdent), field: 'riskBand', from: learner.riskBand ?? null, to: band, direction: 'pull' }],
  };
}
