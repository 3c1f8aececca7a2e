import { describe, expect, it } from 'vitest';
import { DELIVERY_DEFAULTS } from '../../lambda/delivery/defaults';
import { logicalIdOf, TEST_PARTNER_API_URL, synthesizeBeforeAll } from '../cdk/support/synth';
import { propertiesOf } from '../cdk/support/template-queries';
import { DELIVERY_ENV } from '../../lambda/config/environment';

/** The construct gives the HTTP function, and only it, its own in-line deadline. */
const synthesized = synthesizeBeforeAll({ partnerApiUrl: TEST_PARTNER_API_URL, httpEndpoint: true });

function environmentOf(fn: Parameters<typeof logicalIdOf>[1]): Record<string, unknown> {
  const props = propertiesOf(synthesized.template(), logicalIdOf(synthesized.stack(), fn));
  return (props['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
}

describe('the HTTP in-line deadline in the template', () => {
  it('is set on the HTTP function and not on the Lambda-invoke ingress', () => {
    // Prepare
    const { integration } = synthesized.stack();

    // Act
    const http = environmentOf(integration.httpFunction);
    const ingress = environmentOf(integration.ingressFunction);

    // Assess
    expect(http[DELIVERY_ENV.httpInlineDeadlineMs]).toBe(String(DELIVERY_DEFAULTS.httpInlineDeadlineMs));
    expect(ingress).not.toHaveProperty(DELIVERY_ENV.httpInlineDeadlineMs);
  });
});
