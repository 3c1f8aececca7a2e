import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { startFakeEventsApi, type FakeEventsApi, type FakeEventsApiOptions } from '../../../local/events-api-stand-in';
import { API_KEY, API_SECRET } from './run-feed';

/** Fake Events API servers and temporary folders for one test file, all cleaned up after each test. */
export function useFeedFixtures(tempPrefix: string) {
  const servers: FakeEventsApi[] = [];
  const directories: string[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
  });
  return {
    async startServer(options: Partial<FakeEventsApiOptions> = {}): Promise<FakeEventsApi> {
      const server = await startFakeEventsApi({ apiKey: API_KEY, apiSecret: API_SECRET, ...options });
      servers.push(server);
      return server;
    },
    async makeTempDir(): Promise<string> {
      const directory = await mkdtemp(path.join(tmpdir(), tempPrefix));
      directories.push(directory);
      return directory;
    },
  };
}
