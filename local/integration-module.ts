import path from 'node:path';
import type { PartnerIntegration } from '../lambda/core/partner-integration';
import { LOCAL_ENV, PLATFORM_ENV } from '../lambda/config/environment';
import type { Env } from '../lambda/config/env-readers';

/**
 * The integration the local tools run (`npm run invoke`, `registration`, `certify`, `npm start`): the module named
 * in LOCAL_ENV.localIntegrationModule (a path from where the command was typed), else lambda/integration.
 */

const EXAMPLE = path.resolve(__dirname, '..', 'lambda', 'integration');

/** The module's path, absolute; lambda/integration (its index) when none is named. */
export function localIntegrationModule(env: Env): string {
  const named = env[LOCAL_ENV.localIntegrationModule];
  return named ? path.resolve(env[PLATFORM_ENV.initCwd] ?? process.cwd(), named) : EXAMPLE;
}

/** The folder that holds the integration's code: the one to type-check and to watch. */
export function localIntegrationFolder(env: Env): string {
  return env[LOCAL_ENV.localIntegrationModule] ? path.dirname(localIntegrationModule(env)) : EXAMPLE;
}

/** Loads the integration with `require` (tsx, the way the scripts run). */
export function loadLocalIntegration(env: Env): PartnerIntegration {
  const module = localIntegrationModule(env);
  const loaded = require(module) as { integration?: PartnerIntegration };
  if (!loaded.integration) throw new Error(`${path.relative(process.cwd(), module)} exports no \`integration\``);
  return loaded.integration;
}
