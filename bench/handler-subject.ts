/**
 * What bench/handler.ts times, as one entry bundled the way the functions are (esbuild, minified, CommonJS):
 * timed through tsx instead, every call across a module boundary pays CommonJS interop getters that no
 * deployed bundle has (measured: 0.1–0.15 of the JSON baseline at 100 events).
 */
export { processRequest } from '../lambda/core/process-request';
export { parseFirehoseRequest } from '../lambda/firehose';
export { integration } from '../lambda/integration';
export { createIngressFunction } from '../lambda/composition/ingress-function';
export { recordingPort } from '../test/support/recording-port';
