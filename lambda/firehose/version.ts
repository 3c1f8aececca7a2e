/** The Firehose protocol version this kit implements and writes on every response. */
export const FIREHOSE_VERSION = '3.2.0';
/** Written as `sdk_version` in the registration response, as the Java SDK 3.2.0 does. */
export const SDK_VERSION = '3.2.0';
