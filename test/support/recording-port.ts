import type { DeliveryPort, InlineOutcome } from '../../lambda/core/delivery-port';
import type { OutboundCall } from '../../lambda/core/outbound-call';
import { processRequest, type CoreDependencies } from '../../lambda/core/process-request';
import { parseFirehoseRequest } from '../../lambda/firehose';
import { integration } from './kit-integration';

/** A DeliveryPort that keeps what it is given, for tests of the pure core (the real port has its own tests). */
export function recordingPort(inlineOutcome: InlineOutcome = { kind: 'delivered', status: 200 }) {
  const inline: OutboundCall[] = [];
  const queued: OutboundCall[] = [];
  const port: DeliveryPort = {
    description: 'recording',
    async deliverInline(call) {
      inline.push(call);
      return inlineOutcome;
    },
    async enqueue(calls) {
      queued.push(...calls);
    },
  };
  return { port, inline, queued };
}

/**
 * The pure core over a recording port and the kit tests' integration: `run` reads a message as the entry points
 * do and processes it; `inline` and `queued` are the calls it made.
 */
export function recordingCore(inlineOutcome?: InlineOutcome, overrides: Partial<CoreDependencies> = {}) {
  const recorder = recordingPort(inlineOutcome);
  const deps: CoreDependencies = {
    integration,
    delivery: recorder.port,
    maxMessageBytes: 256 * 1024,
    suspendOnAuthFailure: true,
    ...overrides,
  };
  return { ...recorder, run: (message: unknown) => processRequest(parseFirehoseRequest(message), deps) };
}
