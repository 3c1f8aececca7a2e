import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUNTIME_LOOP_FILES } from '../../lambda/runtime-loop/files';
import { ES_MODULE_REQUIRE_BANNER } from '../../lib/node-runtime';
import { handlerExists, logicalIdOf, TEST_PARTNER_API_URL, synthApp } from './support/synth';
import { propertiesOf } from './support/template-queries';

/**
 * Size budget per bundle (minified index.js, source map not counted). The functions mParticle waits on
 * (ingress, HTTP) leave the AWS SDK to the Lambda runtime, which keeps their cold start short; the worker
 * bundles the pinned SDK clients (SQS, KMS, S3 for claim checks and Secrets Manager for the partner
 * credential: about 600 KB of its 700 KB). A bundle above its budget means something heavy was imported by
 * accident (or the SDK slipped into a front-door function).
 */
const BUNDLE_BUDGET_BYTES: Readonly<Record<string, number>> = {
  ingress: 150 * 1024,
  http: 150 * 1024,
  worker: 800 * 1024,
};

describe('bundling with the local esbuild', () => {
  it.skipIf(!handlerExists('ingress') || !handlerExists('worker'))(
    'bundles every handler into the cloud assembly within budget',
    () => {
      // Prepare + Act: one real synth, the HTTP variant included once its handler exists.
      const withHttp = handlerExists('http');
      const synthesized = synthApp({ partnerApiUrl: TEST_PARTNER_API_URL, httpEndpoint: withHttp }, { bundle: true });
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
          // The HTTP function is an ES module, so that its init can await its warm-up (lambda/handlers/http-esm.ts).
          const bundle = path.join(assetDir, name === 'http' ? 'index.mjs' : 'index.js');
          expect(fs.existsSync(bundle), `${name}: ${bundle}`).toBe(true);
          expect(fs.existsSync(`${bundle}.map`), `${name}: source map`).toBe(true);
          sizes[name] = fs.statSync(bundle).size;
          if (name === 'http') expect(fs.readFileSync(bundle, 'utf8').startsWith(ES_MODULE_REQUIRE_BANNER)).toBe(true);
          if (name === 'ingress') {
            // The runtime loop beside the handler, and the wrapper Lambda runs directly (its run bit set).
            const wrapper = fs.statSync(path.join(assetDir, RUNTIME_LOOP_FILES.wrapper));
            expect(wrapper.mode & 0o111, 'wrapper run bits').toBe(0o111);
            expect(fs.readFileSync(path.join(assetDir, RUNTIME_LOOP_FILES.wrapper), 'utf8')).toMatch(/^#!\/bin\/sh\n/);
            expect(fs.statSync(path.join(assetDir, RUNTIME_LOOP_FILES.loop)).size).toBeLessThan(16 * 1024);
          } else {
            expect(fs.existsSync(path.join(assetDir, RUNTIME_LOOP_FILES.wrapper)), `${name}: no wrapper`).toBe(false);
          }
        }
        console.info('bundle sizes (bytes):', sizes);
        for (const [name, size] of Object.entries(sizes))
          expect(size, name).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES[name] ?? 0);
      } finally {
        synthesized.dispose();
      }
      // A real synth running esbuild four times (three handlers and the runtime loop): generous, for busy machines.
    },
    120_000,
  );
});
