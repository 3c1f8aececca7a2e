import type { DeliveryPort, InlineOutcome } from '../../lambda/core/delivery-port';
import type { OutboundCall } from '../../lambda/core/outbound-call';

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
