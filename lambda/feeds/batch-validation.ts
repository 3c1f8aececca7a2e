/**
 * Local checks of one Events API batch, so a bad line is refused with a precise message instead
 * of costing a 400 and a round of request splitting. The checks cover what the Events API
 * reference makes mandatory and what is easy to get wrong coming from Firehose (identities as an
 * array, missing `event_type`); the full schema stays mParticle's job.
 */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Device identities that let mParticle resolve a user (mParticle JSON reference, `device_info`). */
const DEVICE_IDENTITY_FIELDS = [
  'ios_advertising_id',
  'ios_idfv',
  'android_advertising_id',
  'android_uuid',
  'push_token',
  'roku_advertising_id',
  'roku_publisher_id',
  'fire_advertising_id',
  'microsoft_advertising_id',
  'microsoft_publisher_id',
] as const;

const ENVIRONMENTS = new Set(['production', 'development']);

/** Returns why the batch is unacceptable, naming the field, or undefined when it passes. */
export function findBatchProblem(batch: unknown, bytes: number, maxBatchBytes: number): string | undefined {
  if (!isJsonObject(batch)) return `batch must be a JSON object, got ${describeType(batch)}`;
  if (bytes > maxBatchBytes) return `batch is ${bytes} bytes, over the ${maxBatchBytes}-byte limit per batch`;
  return findEventsProblem(batch['events']) ?? findFieldProblem(batch) ?? findIdentityProblem(batch);
}

function findEventsProblem(events: unknown): string | undefined {
  if (events === undefined) return undefined;
  if (!Array.isArray(events)) return `events must be an array, got ${describeType(events)}`;
  for (const [index, event] of events.entries()) {
    if (!isJsonObject(event)) return `events[${index}] must be an object, got ${describeType(event)}`;
    const eventType = event['event_type'];
    if (typeof eventType !== 'string' || eventType.trim() === '')
      return `events[${index}].event_type must be a non-empty string`;
    const data = event['data'];
    if (data !== undefined && !isJsonObject(data))
      return `events[${index}].data must be an object, got ${describeType(data)}`;
  }
  return undefined;
}

function findFieldProblem(batch: JsonObject): string | undefined {
  const identities = batch['user_identities'];
  if (identities !== undefined && !isJsonObject(identities)) {
    return `user_identities must be an object keyed by identity name (not ${describeType(identities)})`;
  }
  const deviceInfo = batch['device_info'];
  if (deviceInfo !== undefined && !isJsonObject(deviceInfo))
    return `device_info must be an object, got ${describeType(deviceInfo)}`;
  const environment = batch['environment'];
  if (environment !== undefined && !(typeof environment === 'string' && ENVIRONMENTS.has(environment))) {
    return 'environment must be "production" or "development"';
  }
  const timestamp = batch['timestamp_unixtime_ms'];
  if (timestamp !== undefined && !isEpochMs(timestamp))
    return 'timestamp_unixtime_ms must be a positive integer (epoch milliseconds)';
  return undefined;
}

function findIdentityProblem(batch: JsonObject): string | undefined {
  const identities = batch['user_identities'];
  if (isJsonObject(identities) && Object.values(identities).some(isPresentIdentity)) return undefined;
  const deviceInfo = batch['device_info'];
  if (isJsonObject(deviceInfo) && DEVICE_IDENTITY_FIELDS.some((field) => isPresentIdentity(deviceInfo[field])))
    return undefined;
  if (isPresentIdentity(batch['mpid']) || isPresentIdentity(batch['mp_deviceid'])) return undefined;
  return 'batch has no identity: set user_identities (e.g. customer_id or email), a device_info identity (e.g. ios_advertising_id) or mpid';
}

function isPresentIdentity(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isFinite(value));
}

export function isEpochMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
