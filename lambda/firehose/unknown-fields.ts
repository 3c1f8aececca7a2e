import { eventSchemas, isEventType, type FirehoseEvent } from './schema/events';
import { requestSchemas, type FirehoseRequest } from './schema/requests';

/**
 * The fields of a request or an event that the 3.2.0 model does not name (fields a newer mParticle may
 * send). The request types list only the model's fields, so a misspelt field is a type error; the unknown
 * ones stay in the object (and reach the partner when the mapping passes the object on) and are read here.
 */
export function unknownFields(item: FirehoseRequest | FirehoseEvent): Readonly<Record<string, unknown>> {
  const type = item.type;
  const shape = isEventType(type) ? eventSchemas[type] : requestSchemas[type as FirehoseRequest['type']];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (!shape.fieldNames.has(key)) out[key] = value;
  }
  return out;
}
