import {
  identitySchema,
  locationSchema,
  optBool,
  optDecimal,
  optInt64,
  optNum,
  optStringList,
  optStringMap,
  optText,
} from './common';
import { list, object, type ObjectShape } from './containers';
import { tag, type Infer } from './shape';

/** Events inside an `event_processing_request`, one shape per wire `type` (docs/firehose-protocol.md, "Event batches"). */

const common = {
  id: optText,
  timestamp_ms: optNum,
  source_id: optText,
  session_id: optInt64,
  location: locationSchema,
};

const productSchema = object({
  id: optText,
  name: optText,
  brand: optText,
  category: optText,
  variant: optText,
  coupon_code: optText,
  position: optNum,
  price: optDecimal,
  quantity: optDecimal,
  total_amount: optDecimal,
  attributes: optStringMap,
});
const commerceExtras = { attributes: optStringMap, custom_flags: optStringMap };

export const eventSchemas = {
  session_start: object({ type: tag('session_start'), ...common }),
  session_end: object({ type: tag('session_end'), ...common, session_length_ms: optInt64 }),
  custom_event: object({
    type: tag('custom_event'),
    ...common,
    name: optText,
    /** `navigation`, `location`, `search`, … kept as text so a new value does not fail the batch. */
    custom_event_type: optText,
    ...commerceExtras,
  }),
  screen_view: object({ type: tag('screen_view'), ...common, screen_name: optText, ...commerceExtras }),
  error: object({
    type: tag('error'),
    ...common,
    message: optText,
    is_crash: optBool,
    stack_trace: optText,
    breadcrumbs: optStringList,
    attributes: optStringMap,
  }),
  privacy_setting_change: object({
    type: tag('privacy_setting_change'),
    ...common,
    setting: optText,
    is_enabled: optBool,
  }),
  user_attribute_change: object({
    type: tag('user_attribute_change'),
    ...common,
    added: optStringMap,
    removed: optStringMap,
  }),
  user_identity_change: object({
    type: tag('user_identity_change'),
    ...common,
    added: list(identitySchema),
    removed: list(identitySchema),
  }),
  push_subscription: object({ type: tag('push_subscription'), ...common, action: optText, token: optText }),
  application_state_transition: object({
    type: tag('application_state_transition'),
    ...common,
    application_state: optText,
    launch_referral: optText,
    referral_application: optText,
    launch_parameters: optText,
    source_package: optText,
  }),
  push_message_receipt: object({ type: tag('push_message_receipt'), ...common, payload: optText }),
  push_message_open: object({ type: tag('push_message_open'), ...common, payload: optText }),
  product_action: object({
    type: tag('product_action'),
    ...common,
    action: optText,
    transaction_id: optText,
    affiliation: optText,
    total_amount: optDecimal,
    tax_amount: optDecimal,
    shipping_amount: optDecimal,
    currency_code: optText,
    coupon_code: optText,
    products: list(productSchema),
    ...commerceExtras,
  }),
  promotion_action: object({
    type: tag('promotion_action'),
    ...common,
    action: optText,
    promotions: list(object({ id: optText, name: optText, creative: optText, position: optText })),
    ...commerceExtras,
  }),
  impression: object({
    type: tag('impression'),
    ...common,
    impressions: list(object({ impression_list_name: optText, products: list(productSchema) })),
    ...commerceExtras,
  }),
  attribution: object({
    type: tag('attribution'),
    ...common,
    name: optText,
    partner_name: optText,
    publisher_name: optText,
    campaign_name: optText,
    attributes: optStringMap,
  }),
} as const;

export type EventType = keyof typeof eventSchemas;
export const EVENT_TYPES = Object.keys(eventSchemas) as readonly EventType[];

type EventSchemas = typeof eventSchemas;
/** One event, discriminated on its wire `type`. */
export type FirehoseEvent = { [K in EventType]: EventSchemas[K] extends ObjectShape<infer T> ? T : never }[EventType];
export type EventOfType<K extends EventType> = Extract<FirehoseEvent, { type: K }>;
export type Product = NonNullable<Infer<typeof productSchema>>;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventSchemas, type);
}
