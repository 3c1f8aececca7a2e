/**
 * The largest request body the HTTP variant accepts: 6 MiB (6,291,456 bytes), Lambda's limit on the
 * request payload of a synchronous invocation, which is what a Function URL request becomes. AWS refuses a
 * larger request before the function runs, so the handler and the local endpoint refuse the same bodies
 * and a local run behaves like the deployed endpoint. For scale: a 5,000-profile membership change, large
 * for one Firehose message, is about 2 MB.
 */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;
