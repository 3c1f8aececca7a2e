#!/usr/bin/env node
/** CDK entry point (`"app": "npx tsx bin/app.ts"` in cdk.json); everything else lives in lib/app.ts. */
import { buildApp } from '../lib/app';

buildApp().app.synth();
