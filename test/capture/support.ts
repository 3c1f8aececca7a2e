import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CaptureBuffer } from '../../lambda/capture/capture-buffer';
import type { CaptureSink } from '../../lambda/capture/capture-sink';
import { RequestCapture } from '../../lambda/capture/request-capture';
import { capturedConfidentialIds } from '../../lambda/capture/strip-confidential';
import type { PartnerIntegration } from '../../lambda/core/partner-integration';
import { createCoreDependencies } from '../../lambda/delivery/create-delivery';
import { integration as defaultIntegration } from '../support/kit-integration';
import { createLogger } from '../../lambda/observability/logger';
import { createIngressRuntime } from '../../lambda/composition/ingress-runtime';

/** The project's own sample messages, read as raw bytes (as the Lambda loop and HTTP variant get them). */
export function sampleMessages(): Array<{ name: string; bytes: Buffer }> {
  const folder = path.resolve(__dirname, '../../events');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(path.join(folder, name)) }));
}

/** The dry-run ingress pipeline with a capture around it, as a composition root would wire it. */
export function capturingIngress(options: {
  sink: CaptureSink;
  sampleRate?: number;
  maxRecords?: number;
  random?: () => number;
  integration?: PartnerIntegration;
  onFlushFailed?: (error: unknown, records: number) => void;
}) {
  const integration = options.integration ?? defaultIntegration;
  const logger = createLogger('capture-test', 'SILENT');
  const dependencies = createCoreDependencies(integration, {}, logger);
  const buffer = new CaptureBuffer({
    sink: options.sink,
    prefix: 'captures/',
    service: 'firehose-ingress',
    maxRecords: options.maxRecords ?? 1_000,
    maxAgeMs: 60_000,
    onFlushFailed: options.onFlushFailed ?? (() => undefined),
  });
  const capture = new RequestCapture({
    buffer,
    service: 'firehose-ingress',
    sampleRate: options.sampleRate ?? 1,
    confidentialIds: capturedConfidentialIds(integration.registration),
    ...(options.random ? { random: options.random } : {}),
  });
  const runtime = createIngressRuntime({ ...dependencies, delivery: capture.observe(dependencies.delivery) }, logger);
  return { handle: capture.wrap((input) => runtime.handle(input)), capture, buffer };
}

export function tempFolder(): { path: string; remove(): void } {
  const folder = mkdtempSync(path.join(tmpdir(), 'capture-test-'));
  return { path: folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** Every file under a folder, as text. */
export function readAll(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'));
}
