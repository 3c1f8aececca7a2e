import { describe, expect, it } from 'vitest';
import { LOCAL_ENV } from '../../lambda/config/environment';
import { createLogger } from '../../lambda/observability/logger';
import { createIngressFunction } from '../../lambda/composition/ingress-function';
import { KIT_INTEGRATION_MODULE } from '../support/kit-integration-module';
import { integration as kit } from '../support/kit-integration';

/**
 * The seams through which the kit's tests run test/support/kit-integration instead of lambda/integration (the
 * folder a partner rewrites): vitest's resolver for what runs in-process, LOCAL_ENV.localIntegrationModule for what a
 * test spawns. replace-integration.test.ts shows the effect with a different integration in that folder.
 */

describe("the kit's tests run the tests' integration", () => {
  it("resolves the handlers' default integration, and any import of lambda/integration, to the tests' one", async () => {
    // Act: the module the production code imports as `../integration`, and the default it runs.
    const { integration } = await import('../../lambda/integration');
    const ingress = createIngressFunction({ env: {}, logger: createLogger('kit-test', 'SILENT'), service: 'kit-test' });
    const { response } = await ingress.handle({ type: 'module_registration_request', id: 'r1' });
    await ingress.close();

    // Assess
    expect(integration).toBe(kit);
    expect(response).toMatchObject({ type: 'module_registration_response', name: 'Kit Test Webhook' });
  });

  it("refuses a kit test that imports one of the example's inner files", async () => {
    // A computed path: a literal one fails the whole file when vite analyses its imports, which is the point.
    const inner = ['..', '..', 'lambda', 'integration', 'mapping'].join('/');
    await expect(import(/* @vite-ignore */ inner)).rejects.toThrow(
      /the kit's tests use test\/support\/kit-integration, not the example/,
    );
  });

  it("names the tests' integration to every process a test spawns", () => {
    expect(process.env[LOCAL_ENV.localIntegrationModule]).toBe(KIT_INTEGRATION_MODULE);
  });
});
