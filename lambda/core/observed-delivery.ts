import type { DeliveryPort } from './delivery-port';
import type { OutboundCall } from './outbound-call';

/** The same delivery port, telling `onCall` about each call before it travels (capture, replay). */
export function observedDelivery(delivery: DeliveryPort, onCall: (call: OutboundCall) => void): DeliveryPort {
  return {
    description: delivery.description,
    deliverInline: (call) => {
      onCall(call);
      return delivery.deliverInline(call);
    },
    enqueue: (calls) => {
      for (const call of calls) onCall(call);
      return delivery.enqueue(calls);
    },
  };
}
