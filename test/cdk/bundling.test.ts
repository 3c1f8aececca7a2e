import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handlerExists, logicalIdOf, PARTNER_API_URL, synthApp } from './support/synth';
import { propertiesOf } from './support/template-queries';

/**
 * Size budget per bundle (minified index.js, source map not counted). About 330 KB of it is the AWS SDK v3
 * clients (SQS, KMS; Secrets Manager for HTTP), bundled on purpose so production runs the pinned versions
 * the tests ran; the rest is the kit. A bundle above this means something heavy was imported by accident.
 */
const BUNDLE_BUDGET_BYTES = 600 * 1024;

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
      for (const [name, size] of Object.entries(sizes)) expect(size, name).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
    } finally {
      synthesized.dispose();
    }
  });
});
