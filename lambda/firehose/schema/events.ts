import * as v from 'valibot';
import {
  identitySchema,
  locationSchema,
  optBool,
  optInt64,
  optNum,
  optStr,
  optStringList,
  optStringMap,
} from './common';

/** Events inside an `event_processing_request`, one schema per wire `type` (docs/firehose-protocol.md, "Events"). */

const common = {
  id: optStr,
  timestamp_ms: optNum,
  source_id: optStr,
  session_id: optInt64,
  location: v.optional(locationSchema),
};

const decimal = optNum;
const productSchema = v.looseObject({
  id: optStr,
  name: optStr,
  brand: optStr,
  category: optStr,
  variant: optStr,
  coupon_code: optStr,
  position: optNum,
  price: decimal,
  quantity: decimal,
  total_amount: decimal,
  attributes: optStringMap,
});
const commerceExtras = { attributes: optStringMap, custom_flags: optStringMap };

export const eventSchemas = {
  session_start: v.looseObject({ type: v.literal('session_start'), ...common }),
  session_end: v.looseObject({ type: v.literal('session_end'), ...common, session_length_ms: optInt64 }),
  custom_event: v.looseObject({
    type: v.literal('custom_event'),
    ...common,
    name: optStr,
    /** `navigation`, `location`, `search`, … kept as a string so a new value does not fail the batch. */
    custom_event_type: optStr,
    ...commerceExtras,
  }),
  screen_view: v.looseObject({ type: v.literal('screen_view'), ...common, screen_name: optStr, ...commerceExtras }),
  error: v.looseObject({
    type: v.literal('error'),
    ...common,
    message: optStr,
    is_crash: optBool,
    stack_trace: optStr,
    breadcrumbs: optStringList,
    attributes: optStringMap,
  }),
  privacy_setting_change: v.looseObject({
    type: v.literal('privacy_setting_change'),
    ...common,
    setting: optStr,
    is_enabled: optBool,
  }),
  user_attribute_change: v.looseObject({
    type: v.literal('user_attribute_change'),
    ...common,
    added: optStringMap,
    removed: optStringMap,
  }),
  user_identity_change: v.looseObject({
    type: v.literal('user_identity_change'),
    ...common,
    added: v.optional(v.array(identitySchema)),
    removed: v.optional(v.array(identitySchema)),
  }),
  push_subscription: v.looseObject({ type: v.literal('push_subscription'), ...common, action: optStr, token: optStr }),
  application_state_transition: v.looseObject({
    type: v.literal('application_state_transition'),
    ...common,
    application_state: optStr,
    launch_referral: optStr,
    referral_application: optStr,
    launch_parameters: optStr,
    source_package: optStr,
  }),
  push_message_receipt: v.looseObject({ type: v.literal('push_message_receipt'), ...common, payload: optStr }),
  push_message_open: v.looseObject({ type: v.literal('push_message_open'), ...common, payload: optStr }),
  product_action: v.looseObject({
    type: v.literal('product_action'),
    ...common,
    action: optStr,
    transaction_id: optStr,
    affiliation: optStr,
    total_amount: decimal,
    tax_amount: decimal,
    shipping_amount: decimal,
    currency_code: optStr,
    coupon_code: optStr,
    products: v.optional(v.array(productSchema)),
    ...commerceExtras,
  }),
  promotion_action: v.looseObject({
    type: v.literal('promotion_action'),
    ...common,
    action: optStr,
    promotions: v.optional(
      v.array(v.looseObject({ id: optStr, name: optStr, creative: optStr, position: optStr })),
    ),
    ...commerceExtras,
  }),
  impression: v.looseObject({
    type: v.literal('impression'),
    ...common,
    impressions: v.optional(
      v.array(v.looseObject({ impression_list_name: optStr, products: v.optional(v.array(productSchema)) })),
    ),
    ...commerceExtras,
  }),
  attribution: v.looseObject({
    type: v.literal('attribution'),
    ...common,
    name: optStr,
    partner_name: optStr,
    publisher_name: optStr,
    campaign_name: optStr,
    attributes: optStringMap,
  }),
} as const;

export type EventType = keyof typeof eventSchemas;
export const EVENT_TYPES = Object.keys(eventSchemas) as readonly EventType[];

type EventSchemas = typeof eventSchemas;
/** One event, discriminated on its wire `type`. */
export type FirehoseEvent = { [K in EventType]: v.InferOutput<EventSchemas[K]> }[EventType];
export type EventOfType<K extends EventType> = Extract<FirehoseEvent, { type: K }>;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventSchemas, type);
}
