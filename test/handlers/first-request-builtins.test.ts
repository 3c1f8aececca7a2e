import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_ENV, FUNCTION_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import { RAW_HANDLER_EXPORT } from '../../lambda/runtime-loop/files';
import { localFunctionEnv } from '../../local/local-function-env';
import { startPartnerServer, type PartnerServer } from '../../local/partner-api-stand-in';
import { bundleIngressWithLoop } from '../../local/runtime-loop-process';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';
import { customEvents, eventBatch } from '../support/factories';
import { KIT_INTEGRATION_MODULE } from '../support/kit-integration-module';
import { LAMBDA_LIKE_ENV } from '../support/lambda-env';

/**
 * A cold start's first request runs on code that init loaded: a Node built-in first required by the request
 * itself is paid inside the first answer (the `performance` global, for one, loads node:perf_hooks on first
 * touch: ~2 ms). The ingress as bundled for Lambda, in its own process, reports the built-ins its first
 * request added (`process.moduleLoadList`, Node's own record of what it loaded): in a dry run the whole
 * request; when delivering, up to the in-line partner call. After that call starts, a first call that waits
 * 50 ms for the partner (a loaded machine) starts readying the spill path, whose SDK load brings built-ins of
 * its own by design (lambda/delivery/spill-warm-up.ts).
 */
const PROBE = `
const loadedAtInit = new Set();
const added = () => process.moduleLoadList.filter((name) => !loadedAtInit.has(name) && name.startsWith('NativeModule '));
let beforePartnerCall;
for (const client of [require('node:http'), require('node:https')]) {
  const request = client.request;
  client.request = function (...args) {
    beforePartnerCall ??= added();
    return request.apply(this, args);
  };
}
const bundle = require(process.argv[2]);
for (const name of process.moduleLoadList) loadedAtInit.add(name);
const context = { awsRequestId: 'first', functionName: 'firehose-test', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:firehose-test', getRemainingTimeInMillis: () => 10000 };
bundle[${JSON.stringify(RAW_HANDLER_EXPORT)}](Buffer.from(process.env.FIRST_REQUEST), context).then((answer) => {
  process.stdout.write('\\n' + JSON.stringify({ answer, added: added(), beforePartnerCall: beforePartnerCall ?? null }) + '\\n');
  process.exit(0);
});
`;

let dir: string;
let sqs: SqsEmulator;
let partner: PartnerServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'first-request-'));
  // The SDK is left to the runtime (as deployed); here Node finds it in the project's node_modules.
  symlinkSync(path.join(__dirname, '..', '..', 'node_modules'), path.join(dir, 'node_modules'));
  await bundleIngressWithLoop(path.join(dir, 'task'), { integrationModule: KIT_INTEGRATION_MODULE });
  writeFileSync(path.join(dir, 'probe.js'), PROBE);
  sqs = await startSqsEmulator();
  partner = await startPartnerServer();
}, 60_000);

afterAll(async () => {
  await partner?.stop();
  await sqs?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface FirstRequest {
  readonly answer: Record<string, unknown>;
  /** Built-ins loaded from the handler's call to its answer. */
  readonly added: string[];
  /** Built-ins loaded from the handler's call to its first HTTP request, if it made one. */
  readonly beforePartnerCall: string[] | null;
}

async function firstRequest(env: Record<string, string>): Promise<FirstRequest> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(dir, 'probe.js'), path.join(dir, 'task', 'index.js')],
    {
      env: {
        ...process.env,
        ...LAMBDA_LIKE_ENV,
        // Metrics and the summary line on, as deployed: their first write is part of the first request.
        [PLATFORM_ENV.metricsDisabled]: 'false',
        [FUNCTION_ENV.logLevel]: 'INFO',
        ...env,
        FIRST_REQUEST: JSON.stringify(eventBatch(customEvents(3))),
      },
      timeout: 30_000,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
}

describe('the ingress bundle: its first request loads no Node built-in that init did not', () => {
  it('delivering in-line to the partner: none up to the partner call', async () => {
    const { answer, beforePartnerCall } = await firstRequest(localFunctionEnv({ partnerUrl: partner.url, sqs }));
    expect(answer['type']).toBe('event_processing_response');
    expect(partner.accepted.length).toBe(1);
    expect(beforePartnerCall).toEqual([]);
  });

  it('in a dry run (no partner): none in the whole request', async () => {
    const { answer, added, beforePartnerCall } = await firstRequest({ [DELIVERY_ENV.dryRun]: 'true' });
    expect(answer['type']).toBe('event_processing_response');
    expect(beforePartnerCall).toBeNull();
    expect(added).toEqual([]);
  });
});
