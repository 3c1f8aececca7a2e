import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LOCAL_ENV } from '../../lambda/config/environment';
import { watchFolders } from '../../local/reload';
import { integrationCopy, invokeIngress, startNpm, statusOf, waitUntil } from '../support/npm-start';
import { stopAll } from '../support/processes';
import { PROJECT_ROOT } from '../support/run-cli';

afterEach(() => stopAll());
afterAll(() => stopAll());

/** A rename-style save: the new text goes to a temporary file, renamed over the old one (a new inode). */
const renameSave = (file: string, text: string): void => {
  writeFileSync(`${file}.tmp~`, text);
  renameSync(`${file}.tmp~`, file);
};

/** The watcher on a scratch tree: each step, then the files the next burst reported (or none within 2 s). */
function watchedTree() {
  const root = mkdtempSync(path.join(tmpdir(), 'reload-'));
  mkdirSync(path.join(root, 'integration'));
  const bursts: string[][] = [];
  const watcher = watchFolders([root], (files) => bursts.push(files.map((f) => path.relative(root, f))), 50);
  const next = async (step: () => void): Promise<string[]> => {
    const before = bursts.length;
    step();
    return waitUntil(
      () => bursts[before],
      2_000,
      () => 'no change reported',
    ).catch(() => []);
  };
  const close = (): void => {
    watcher.close();
    rmSync(root, { recursive: true, force: true });
  };
  return { root, next, close };
}

describe('reload watches folders, not files', () => {
  it('notices every later edit after rename-style saves (sed -i, vim, JetBrains safe write)', async () => {
    // Prepare
    const tree = watchedTree();
    const mapping = path.join(tree.root, 'integration', 'mapping.ts');
    writeFileSync(mapping, 'export const v = 0;\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      // Act and assess: each save, whatever its style, is one reported change.
      expect(await tree.next(() => renameSave(mapping, 'export const v = 1;\n'))).toEqual(['integration/mapping.ts']);
      expect(await tree.next(() => writeFileSync(mapping, 'export const v = 2;\n'))).toEqual([
        'integration/mapping.ts',
      ]);
      expect(await tree.next(() => execFileSync('sed', ['-i', 's/2/3/', mapping]))).toEqual(['integration/mapping.ts']);
      expect(await tree.next(() => writeFileSync(mapping, 'export const v = 4;\n'))).toEqual([
        'integration/mapping.ts',
      ]);
      // vim's backup-and-write: the old file moves away, a new one is written, the backup removed.
      const vim = () => {
        renameSync(mapping, `${mapping}~`);
        writeFileSync(mapping, 'export const v = 5;\n');
        unlinkSync(`${mapping}~`);
      };
      expect(await tree.next(vim)).toEqual(['integration/mapping.ts']);
      expect(await tree.next(() => writeFileSync(mapping, 'export const v = 6;\n'))).toEqual([
        'integration/mapping.ts',
      ]);
    } finally {
      tree.close();
    }
  }, 30_000);

  it('watches folders created or swapped in after it started (git checkout of another branch)', async () => {
    // Prepare
    const tree = watchedTree();
    try {
      // Act: a new folder with a file, then the whole folder replaced by another, then an edit inside it.
      const created = await tree.next(() => {
        mkdirSync(path.join(tree.root, 'integration', 'extra'));
        writeFileSync(path.join(tree.root, 'integration', 'extra', 'a.ts'), '1');
      });
      const edited = await tree.next(() => writeFileSync(path.join(tree.root, 'integration', 'extra', 'a.ts'), '2'));
      const swapped = await tree.next(() => {
        const other = path.join(tree.root, 'other');
        mkdirSync(other);
        writeFileSync(path.join(other, 'a.ts'), '3');
        rmSync(path.join(tree.root, 'integration'), { recursive: true });
        renameSync(other, path.join(tree.root, 'integration'));
      });
      const later = await tree.next(() => writeFileSync(path.join(tree.root, 'integration', 'a.ts'), '4'));
      // Assess
      expect(created).toContain('integration/extra');
      expect(edited).toEqual(['integration/extra/a.ts']);
      expect(swapped).toContain('integration');
      expect(later).toEqual(['integration/a.ts']);
    } finally {
      tree.close();
    }
  }, 30_000);

  it('npm start runs the code of a rename-style save and of a plain edit after it', async () => {
    // Prepare
    const copy = integrationCopy('/events-first');
    const npm = await startNpm({ [LOCAL_ENV.localIntegrationModule]: copy.module });
    const batch = readFileSync(path.join(PROJECT_ROOT, 'events/event-batch.json'));
    const paths = async () => (await statusOf(npm.invokeUrl)).deliveries.map((d) => d.path);
    const reloads = () => npm.output().match(/reloaded the functions in \d+ ms/g)?.length ?? 0;
    const saveAndCall = async (save: () => void, eventsPath: string) => {
      const before = reloads();
      save();
      await waitUntil(
        () => reloads() > before,
        15_000,
        () => `no reload after the save for ${eventsPath}:\n${npm.output()}`,
      );
      await invokeIngress(npm.invokeUrl, batch);
      await waitUntil(
        async () => (await paths()).includes(eventsPath),
        10_000,
        () => `${eventsPath} never delivered:\n${npm.output()}`,
      );
    };
    // Act: the save sed -i, vim or JetBrains makes, then an ordinary write to the new file.
    await saveAndCall(() => renameSave(copy.mapping, copy.mappingSource('/events-renamed')), '/events-renamed');
    await saveAndCall(() => writeFileSync(copy.mapping, copy.mappingSource('/events-later')), '/events-later');
    // Assess: the newest code answered each time.
    expect((await paths()).slice(0, 2)).toEqual(['/events-later', '/events-renamed']);
  }, 120_000);
});
