import { FUNCTION_ENV } from '../lambda/config/environment';
import type { LocalSystem } from '../local/local-system';
import { startPartnerServer, type PartnerServer } from '../local/partner-api-stand-in';
import { startTestLocalSystem } from '../test/support/local-system';

/**
 * A bare HTTP server (the baseline: what the HTTP stack costs by itself on this machine, measured in the same
 * run) beside `npm start`'s system with `env`; both stopped after `run`. Functions log errors only: one log
 * line per request would measure the terminal, not the kit.
 */
export async function withBaselineAndLocalSystem<T>(
  env: Readonly<Record<string, string>>,
  options: { readonly ingressTaskRoot?: string; readonly ingressMaxContainers?: number },
  run: (parts: { readonly bare: PartnerServer; readonly system: LocalSystem }) => Promise<T>,
): Promise<T> {
  process.env[FUNCTION_ENV.logLevel] = 'ERROR';
  const bare = await startPartnerServer();
  try {
    const system = await startTestLocalSystem({ ...options, env: { ...env, [FUNCTION_ENV.logLevel]: 'ERROR' } });
    try {
      return await run({ bare, system });
    } finally {
      await system.stop();
    }
  } finally {
    await bare.stop();
  }
}
