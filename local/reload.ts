import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { PartnerIntegration } from '../lambda/core/partner-integration';
import type * as LocalFunctionsModule from './local-functions';

/**
 * Code reloading for `npm start`: on a change under the watched folders (lambda/, and the folder of an
 * integration module named in LOCAL_ENV.localIntegrationModule), every module loaded from them is dropped from
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

/**
 * Calls `onChange` once per burst of file changes (editors write a file in several steps). Each folder of the
 * tree is watched on its own, never a file: a rename-style save (`sed -i`, vim's or JetBrains' safe write,
 * `git checkout`) puts a new file in the old one's place, and a watch on the old file (what Node 22's
 * recursive mode sets up on Linux) would go quiet for good. Folders created or replaced later are watched
 * as they appear.
 */
export function watchFolders(
  folders: readonly string[],
  onChange: (files: string[]) => void,
  debounceMs = 150,
): { close(): void } {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const watchers = new Map<string, FSWatcher>();

  const report = (file: string): void => {
    pending.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...pending];
      pending = new Set();
      onChange(files);
    }, debounceMs);
  };

  const unwatch = (folder: string): void => {
    for (const [watched, watcher] of watchers) {
      if (watched === folder || watched.startsWith(folder + path.sep)) {
        watcher.close();
        watchers.delete(watched);
      }
    }
  };

  const watchTree = (folder: string): void => {
    if (closed || watchers.has(folder)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, (_event, name) => changed(folder, name === null ? undefined : String(name)));
    } catch {
      return; // gone already (a folder removed between its event and this call)
    }
    // A watched folder that is removed ends its watch; its parent's watch sees the folder go.
    watcher.on('error', () => unwatch(folder));
    watchers.set(folder, watcher);
    for (const entry of subfolders(folder)) watchTree(path.join(folder, entry));
  };

  const changed = (folder: string, name: string | undefined): void => {
    if (closed) return;
    const file = name === undefined ? folder : path.join(folder, name);
    if (isFolder(file)) {
      // New or replaced (a checkout swaps whole folders): watch what is there now, and reload.
      unwatch(file);
      watchTree(file);
      report(file);
      return;
    }
    if (watchers.has(file)) unwatch(file); // a watched folder went away
    if (/\.(ts|js|json|mts|cts)$/.test(file)) report(file);
  };

  for (const folder of folders) watchTree(path.resolve(folder));
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

function subfolders(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}
