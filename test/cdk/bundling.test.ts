import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handlerExists, logicalIdOf, PARTNER_API_URL, synthApp } from './support/synth';
import { propertiesOf } from './support/template-queries';

/**
 * Size budget per bundle (minified index.js, source map not counted). The functions mParticle waits on
 * (ingress, HTTP) leave the AWS SDK to the Lambda runtime, which keeps their cold start short; the worker
 * bundles the pinned SDK clients (SQS, KMS and, for claim checks, S3: about 420 KB of its size). A bundle above its budget means something
 * heavy was imported by accident (or the SDK slipped into a front-door function).
 */
const BUNDLE_BUDGET_BYTES: Readonly<Record<string, number>> = { ingress: 150 * 1024, http: 150 * 1024, worker: 700 * 1024 };

describe('bundling with the local esbuild', () => {
  it.skipIf(!handlerExists('ingress') || !handlerExists('worker'))('bundles every handler into the cloud assembly within budget', () => {
    // Prepare + Act: one real synth, the HTTP variant included once its handler exists.
    const withHttp = handlerExists('http');
    const synthesized = synthApp({ partnerApiUrl: PARTNER_API_URL, httpEndpoint: withHttp }, { bundle: true });
    try {
      const stack = synthesized.stack();
      const template = synthesized.template();
      const functions = {
        ingress: stack.integration.ingressFunction,
        worker: stack.integration.workerFunction,
        ...(withHttp ? { http: stack.integration.httpFunction } : {}),
      };

      // Assess
      const sizes: Record<string, number> = {};
      for (const [name, fn] of Object.entries(functions)) {
        const code = propertiesOf(template, logicalIdOf(stack, fn))['Code'] as { S3Key: string };
        const assetDir = path.join(synthesized.assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
        const bundle = path.join(assetDir, 'index.js');
        expect(fs.existsSync(bundle), `${name}: ${bundle}`).toBe(true);
        expect(fs.existsSync(`${bundle}.map`), `${name}: source map`).toBe(true);
        sizes[name] = fs.statSync(bundle).size;
      }
      console.info('bundle sizes (bytes):', sizes);
      for (const [name, size] of Object.entries(sizes)) expect(size, name).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES[name] ?? 0);
    } finally {
      synthesized.dispose();
    }
  });
});
