import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { PartnerIntegration } from '../lambda/core/partner-integration';
import type * as LocalFunctionsModule from './local-functions';

/**
 * Code reloading for `npm start`: on a change under the watched folders (lambda/, and the folder of an
 * integration module named in ENV.localIntegrationModule), every module loaded from them is dropped from
 * Node's require cache and the functions are built again from fresh code. Works where modules are loaded
 * by `require` (tsx, the way `npm start` runs); the long-lived parts (queues, servers) are not reloaded.
 */
export interface CodeSource {
  readonly folders: readonly string[];
  /** Fresh code: the integration and the builder of the functions, required anew. */
  load(): { integration: PartnerIntegration; build: typeof LocalFunctionsModule.buildLocalFunctions };
}

export function codeSource(lambdaFolder: string, integrationModule: string | undefined): CodeSource {
  const folders = [lambdaFolder, ...(integrationModule ? [path.dirname(integrationModule)] : [])].map(
    (f) => path.resolve(f) + path.sep,
  );
  return {
    folders,
    load() {
      // Resolved here, not at import: only a require-based loader (tsx) can resolve a .ts file.
      const LOCAL_FUNCTIONS = require.resolve('./local-functions');
      for (const key of Object.keys(require.cache)) {
        if (key === LOCAL_FUNCTIONS || folders.some((folder) => key.startsWith(folder))) delete require.cache[key];
      }
      const { buildLocalFunctions } = require(LOCAL_FUNCTIONS) as typeof LocalFunctionsModule;
      const module = require(
        integrationModule ? path.resolve(integrationModule) : path.join(lambdaFolder, 'integration'),
      ) as { integration?: PartnerIntegration };
      if (!module.integration)
        throw new Error(`${integrationModule ?? 'lambda/integration'} exports no \`integration\``);
      return { integration: module.integration, build: buildLocalFunctions };
    },
  };
}

/** Calls `onChange` once per burst of file changes (editors write a file in several steps). */
export function watchFolders(
  folders: readonly string[],
  onChange: (files: string[]) => void,
  debounceMs = 150,
): { close(): void } {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = folders.map((folder) =>
    watch(folder, { recursive: true }, (_event, file) => {
      if (file && !/\.(ts|js|json|mts|cts)$/.test(file)) return;
      pending.add(file ? path.join(folder, file) : folder);
      clearTimeout(timer);
      timer = setTimeout(() => {
        const files = [...pending];
        pending = new Set();
        onChange(files);
      }, debounceMs);
    }),
  );
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
