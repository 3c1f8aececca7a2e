/** The Firehose protocol: message types, parsing, responses and registration. No AWS imports here. */
export * from './as-sent';
export * from './errors';
export * from './json';
export * from './parse';
export * from './registration';
export * from './registration-rules';
export * from './responses';
export * from './schema/common';
export * from './schema/events';
export * from './schema/requests';
export * from './settings';
export * from './unknown-fields';
export * from './version';
