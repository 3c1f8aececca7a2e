import { EVENT_TYPES } from './schema/events';
import { JAVA_GETTER_NAMES, type ModuleRegistration, type Setting } from './registration';
import {
  DEVICE_IDENTITY_TYPES,
  IDENTITY_ENCODINGS,
  MAX_DESCRIPTION_LENGTH,
  RUNTIME_ENVIRONMENT_TYPES,
  SYSTEM_NOTIFICATION_TYPES,
  USER_IDENTITY_TYPES,
} from './vocabulary';

/**
 * Checks a registration against the protocol's rules (https://docs.mparticle.com/developers/partners/firehose/) before mParticle sees it.
 * Returns one line per problem, each naming the field path; an empty list means it is fine.
 */
export function checkRegistration(registration: ModuleRegistration): string[] {
  const problems: string[] = [];
  const problem = (path: string, text: string): void => void problems.push(`${path}: ${text}`);
  const oneOf = (path: string, value: string, allowed: readonly string[]): void => {
    if (!allowed.includes(value)) problem(path, `"${value}" is not one of ${allowed.join(', ')}`);
  };

  if (!registration.name?.trim()) problem('name', 'must be a non-empty string');
  if (!registration.version?.trim()) problem('version', 'must be a non-empty string');
  if (registration.description !== undefined && registration.description.length > MAX_DESCRIPTION_LENGTH) {
    problem('description', `has ${registration.description.length} characters; mParticle shows under 230`);
  }

  const permissions = registration.permissions ?? {};
  const identityLists = [
    ['device_identities', permissions.device_identities, DEVICE_IDENTITY_TYPES],
    ['user_identities', permissions.user_identities, USER_IDENTITY_TYPES],
    ['partner_identities', permissions.partner_identities, undefined],
  ] as const;
  for (const [name, list, types] of identityLists) {
    (list ?? []).forEach((identity, i) => {
      const path = `permissions.${name}[${i}]`;
      if (types) oneOf(`${path}.type`, identity.type, types);
      else if (!identity.type?.trim()) problem(`${path}.type`, 'must be a non-empty string');
      oneOf(`${path}.encoding`, identity.encoding, IDENTITY_ENCODINGS);
      checkJavaNames(path, identity, problem);
    });
  }
  if ((permissions.partner_identities?.length ?? 0) > 1) {
    problem(
      'permissions.partner_identities',
      'mParticle allows only one partner identity, and it cannot be renamed later',
    );
  }

  const events = registration.event_processing_registration;
  if (events) {
    const path = 'event_processing_registration';
    if (events.supported_event_types.length === 0) problem(`${path}.supported_event_types`, 'lists no event type');
    events.supported_event_types.forEach((type, i) => oneOf(`${path}.supported_event_types[${i}]`, type, EVENT_TYPES));
    (events.supported_runtime_environments ?? []).forEach((type, i) =>
      oneOf(`${path}.supported_runtime_environments[${i}]`, type, RUNTIME_ENVIRONMENT_TYPES),
    );
    (events.supported_system_notification_types ?? []).forEach((type, i) =>
      oneOf(`${path}.supported_system_notification_types[${i}]`, type, SYSTEM_NOTIFICATION_TYPES),
    );
    if (events.supported_event_types.includes('push_message_receipt') && !events.push_messaging_provider_id) {
      problem(`${path}.push_messaging_provider_id`, 'is required when push_message_receipt is supported');
    }
    if (events.supported_event_types.includes('user_attribute_change') && !permissions.allow_user_attributes) {
      problem('permissions.allow_user_attributes', 'must be true to receive user_attribute_change events');
    }
    const age = events.max_data_age_hours;
    if (age !== undefined && (!Number.isInteger(age) || age < -1)) {
      problem(`${path}.max_data_age_hours`, 'must be a whole number of hours, or -1 for any age');
    }
    checkSettings(`${path}.account_settings`, events.account_settings, problem);
    checkSettings(`${path}.event_connection_settings`, events.event_connection_settings, problem);
  }

  const audiences = registration.audience_processing_registration;
  if (audiences) {
    const path = 'audience_processing_registration';
    checkSettings(`${path}.account_settings`, audiences.account_settings, problem);
    checkSettings(`${path}.audience_subscription_settings`, audiences.audience_subscription_settings, problem);
  }

  const dsr = registration.dsr_processing_registration;
  if (dsr) {
    const path = 'dsr_processing_registration';
    if (dsr.supported_dsr_types.length === 0)
      problem(`${path}.supported_dsr_types`, 'lists no type; declare ["erasure"]');
    dsr.supported_dsr_types.forEach((type, i) => oneOf(`${path}.supported_dsr_types[${i}]`, type, ['erasure']));
    checkSettings(`${path}.account_settings`, dsr.account_settings, problem);
  }

  return problems;
}

function checkSettings(
  path: string,
  settings: readonly Setting[] | undefined,
  problem: (path: string, text: string) => void,
): void {
  const seen = new Set<string>();
  (settings ?? []).forEach((setting, i) => {
    const at = `${path}[${i}]`;
    // Read as a plain record too, to catch the Java getter names that must never reach the wire.
    const raw = setting as unknown as Record<string, unknown>;
    if (!setting.id?.trim()) problem(`${at}.id`, 'must be a non-empty string');
    else if (seen.has(setting.id)) problem(`${at}.id`, `"${setting.id}" is declared twice`);
    else seen.add(setting.id);
    if (!setting.name?.trim()) problem(`${at}.name`, 'must be a non-empty string');
    checkJavaNames(at, setting, problem);
    if (setting.type === 'boolean' && 'required' in raw)
      problem(`${at}.required`, 'boolean settings take no "required"');
    // `confidential: false` says nothing and is harmless; only a claim of secrecy on a non-text value is wrong.
    if (setting.type !== 'text' && raw['confidential'] === true)
      problem(`${at}.confidential`, 'only text settings can be confidential');
    if (!['text', 'integer', 'float', 'boolean'].includes(setting.type)) {
      problem(`${at}.type`, `"${String(raw['type'])}" is not one of text, integer, float, boolean`);
    }
  });
}

/** `is_required` / `is_confidential` are Java getter names: mParticle reads `required` / `confidential`. */
function checkJavaNames(at: string, item: object, problem: (path: string, text: string) => void): void {
  for (const javaName of JAVA_GETTER_NAMES) {
    if (javaName in item)
      problem(`${at}.${javaName}`, `is a Java getter name; the wire name is "${javaName.slice(3)}"`);
  }
}
