import path from 'node:path';
import type { PartnerIntegration } from '../lambda/core/partner-integration';
import { integration as defaultIntegration } from '../lambda/integration';
import { buildLocalFunctions, type LocalFunctions } from './local-functions';
import { startLoopIngress, type LoopIngress } from './loop-ingress';
import { codeSource, watchFolders } from './reload';
import type { SystemLog } from './system-log';
import { typeCheckIntegration } from './typecheck-integration';

export interface ReloadOptions {
  /** Rebuild the functions when a file under this folder (or the integration module's folder) changes. */
  readonly lambdaFolder: string;
}

/** The local functions and the ingress's runtime loop, swapped for fresh ones when the code changes. */
export interface ReloadableFunctions {
  /** The functions built from the newest code. */
  current(): LocalFunctions;
  /** The ingress as in AWS (the shipped bundle through the runtime loop), from the newest code. */
  loop(): LoopIngress;
  /** The folders watched for code changes, when reloading. */
  readonly watching: readonly string[];
  stopWatching(): void;
  /** Closes the functions and the loop now in use. */
  close(): Promise<void>;
}

export async function startReloadableFunctions(options: {
  readonly env: Readonly<Record<string, string>>;
  readonly log: SystemLog;
  readonly reload?: ReloadOptions;
  /** A module exporting `integration`, run instead of lambda/integration (LOCAL_ENV.localIntegrationModule, tests). */
  readonly integrationModule?: string;
  /** A task root built already, run by the Invoke API's ingress instead of the ingress bundle (the load bench's baseline). */
  readonly ingressTaskRoot?: string;
  /** How many processes the Invoke API's ingress may run at once (local/loop-ingress.ts). */
  readonly ingressMaxContainers?: number;
}): Promise<ReloadableFunctions> {
  const { env, log, reload, integrationModule } = options;
  const source = reload ? codeSource(reload.lambdaFolder, integrationModule) : undefined;
  // Not reloading: the integration is loaded once, by `import` (which vitest resolves too).
  const fixed = integrationModule && !source ? await importIntegration(integrationModule) : defaultIntegration;
  // The folder type-checked before each reload: the integration's, where a partner's typo would be.
  const checked = integrationModule
    ? path.dirname(integrationModule)
    : path.join(reload?.lambdaFolder ?? '', 'integration');
  const build = (): LocalFunctions => {
    if (!source) return buildLocalFunctions(fixed, env, log);
    const fresh = source.load();
    return fresh.build(fresh.integration, env, log);
  };
  // The Invoke API's ingress runs as in AWS: the shipped bundle through the exec wrapper and the runtime loop.
  const startLoop = (): Promise<LoopIngress> =>
    startLoopIngress({
      env,
      log,
      ...(integrationModule ? { integrationModule } : {}),
      ...(options.ingressTaskRoot ? { taskRoot: options.ingressTaskRoot } : {}),
      ...(options.ingressMaxContainers !== undefined ? { maxContainers: options.ingressMaxContainers } : {}),
    });
  // Every entry point calls through `current` / `loop`, so a reload swaps the code under running servers.
  let current = build();
  let loop = await startLoop();
  const watcher =
    source &&
    watchFolders(source.folders, (files) => {
      const started = performance.now();
      const changed = files.map((f) => f.replace(`${process.cwd()}/`, '')).join(', ');
      void (async () => {
        try {
          // A mapping typo fails here, in the terminal the partner watches, and the previous code keeps running.
          const typeErrors = await typeCheckIntegration(checked);
          if (typeErrors) throw new Error(typeErrors);
          const next = build();
          const nextLoop = await startLoop();
          const previous = { functions: current, loop };
          current = next;
          loop = nextLoop;
          // Calls already running on the old code finish first (a closed keep-alive pool would spill them).
          setTimeout(() => {
            previous.functions.close();
            void previous.loop.stop();
          }, 10_000).unref();
          log.activity(`reloaded the functions in ${Math.round(performance.now() - started)} ms (${changed} changed)`);
        } catch (error) {
          log.activity(
            `reload failed, still running the previous code: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      })();
    });

  return {
    current: () => current,
    loop: () => loop,
    watching: source?.folders ?? [],
    stopWatching: () => watcher?.close(),
    async close() {
      current.close();
      await loop.stop();
    },
  };
}

async function importIntegration(module: string): Promise<PartnerIntegration> {
  const loaded = (await import(module)) as { integration?: PartnerIntegration };
  if (!loaded.integration) throw new Error(`${module} exports no \`integration\``);
  return loaded.integration;
}
