import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HangingPartner {
  readonly url: string;
  /** Requests it has received (and never answered). */
  received(): number;
  stop(): Promise<void>;
}

/** A partner API that accepts every connection and request and never answers: the in-line deadline's test. */
export async function startHangingPartner(): Promise<HangingPartner> {
  let received = 0;
  const server = http.createServer(() => {
    received += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
