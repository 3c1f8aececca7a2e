import { describe, expect, it } from 'vitest';
import { parseFirehoseRequest, unknownFields, type EventProcessingRequest } from '../../lambda/firehose';
import { event, eventBatch } from '../support/factories';

/** The request types a mapping reads from are exact: a misspelt field does not compile (checked by tsc). */
describe('request types', () => {
  it('name only the model fields; unknown ones are read through unknownFields', () => {
    // Prepare
    const message = eventBatch([event('custom_event', { future_field: 1 })], {
      device_application_stamp: 'stamp',
      brand_new: [1],
    });
    // Act
    const { request } = parseFirehoseRequest(message);
    if (request.type !== 'event_processing_request') throw new Error('wrong type');
    const typed: EventProcessingRequest = request;
    // Assess
    expect(typed.device_application_stamp).toBe('stamp');
    // @ts-expect-error a misspelt field is a type error, not a silent `undefined`
    expect(typed.device_aplication_stamp).toBeUndefined();
    expect(unknownFields(typed)).toEqual({ brand_new: [1] });
    expect(unknownFields(typed.events[0]!)).toEqual({ future_field: 1 });
  });
});
