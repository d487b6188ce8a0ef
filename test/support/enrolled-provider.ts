import type { DataSource } from 'typeorm';
import { enrolGeneratedProvider, type EnrolledProvider } from '../../tools/bench/enrolled-provider.js';
import type { SettingsPatch } from '../../src/settings/settings-patch.js';
import type { SettingsService } from '../../src/settings/settings-service.js';
import type { RunningSimulator } from '../../tools/simulator/server.js';

/**
 * A generated provider, imported and "enrolled" in a simulator of the test's own process
 * (seeded straight into its store). The logic lives in tools/bench/enrolled-provider.ts,
 * which the benchmark shares with a simulator in another process.
 */
export { saAssessorId, saEmployerId, saLearnerCourseId, saLearnerId, type EnrolledProvider } from '../../tools/bench/enrolled-provider.js';

export interface EnrolledProviderOptions {
  db: DataSource;
  simulator: Pick<RunningSimulator, 'store' | 'baseUrl' | 'credentials'>;
  /** Receives the demo settings, the simulator's connection and `settings`. */
  settingsService: SettingsService;
  learners: number;
  seed?: number;
  /** The provider's "today" (YYYY-MM-DD); default the simulator's simulated date. */
  today?: string;
  /** Applied after the demo settings, before enrolling (e.g. Update Learner Gender, which enrolment honours). */
  settings?: SettingsPatch;
}

export function enrolledProvider(options: EnrolledProviderOptions): Promise<EnrolledProvider> {
  const { simulator } = options;
  return enrolGeneratedProvider({
    db: options.db,
    settingsService: options.settingsService,
    connection: { baseUrl: simulator.baseUrl, ...simulator.credentials },
    courses: simulator.store.courses.values(),
    seedSmartAssessor: async (document) => {
      simulator.store.seed(document);
    },
    learners: options.learners,
    seed: options.seed,
    today: options.today ?? simulator.store.today,
    settings: options.settings,
  });
}
