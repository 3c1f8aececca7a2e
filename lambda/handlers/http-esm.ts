/**
 * The HTTP function as deployed: lambda/handlers/http.ts bundled as an ES module (index.mjs), so that this
 * top-level await holds Lambda's init until the warm-up (the SDK, the sealing data key, the queue's first
 * request, the tokens) is done. Init runs with full CPU and before any request is handed over; without the
 * await, those steps ran on after init and the first request of a container waited behind them (measured in
 * bench/http-hanging.ts). A warm-up that outlasts INIT_WARM_UP_LIMIT_MS no longer holds init: the calls
 * finish the steps themselves. Local tools load http.ts directly (CommonJS, no top-level await).
 */
import { handler, warmedUp } from './http';
import { INIT_WARM_UP_LIMIT_MS, waitAtMost } from '../http/warm-up';

await waitAtMost(warmedUp, INIT_WARM_UP_LIMIT_MS);

export { handler };
