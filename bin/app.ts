#!/usr/bin/env node
/** CDK entry point (`"app": "npx tsx bin/app.ts"` in cdk.json); everything else lives in lib/app.ts. */
import { buildApp } from '../lib/app';
import { ConstructPropsError } from '../lib/errors';

/**
 * A setting the user got wrong (a `-c` value, cdk.json, a construct prop) is told in one line, the way
 * `npm run registration` tells a rule: its stack would only point into the kit. Anything else is a bug and
 * keeps its stack.
 */
function isSettingProblem(error: unknown): error is Error {
  return error instanceof ConstructPropsError || (error instanceof Error && /\bcontext ("|value )/.test(error.message));
}

try {
  buildApp().app.synth();
} catch (error) {
  if (!isSettingProblem(error)) throw error;
  process.stderr.write(`cdk app: ${error.message}\n`);
  process.exitCode = 1;
}
