import type { Config } from '../config/environment.js';
import type { SmartAssessorConnection } from './settings-service.js';

/**
 * Where Smart Assessor is when Settings leave it blank: SMART_ASSESSOR_BASE_URL, or else
 * the built-in simulator that `sai start` and `sai simulator` run on SIMULATOR_PORT.
 */
export function connectionDefaults(
  config: Pick<Config, 'SMART_ASSESSOR_BASE_URL' | 'SIMULATOR_PORT' | 'SIMULATOR_USERNAME' | 'SIMULATOR_PASSWORD' | 'SIMULATOR_CLIENT_KEY'>,
): Partial<SmartAssessorConnection> {
  if (config.SMART_ASSESSOR_BASE_URL) return { baseUrl: config.SMART_ASSESSOR_BASE_URL };
  return {
    baseUrl: `http://127.0.0.1:${config.SIMULATOR_PORT}/api/v1`,
    username: config.SIMULATOR_USERNAME,
    password: config.SIMULATOR_PASSWORD,
    clientKey: config.SIMULATOR_CLIENT_KEY,
  };
}
