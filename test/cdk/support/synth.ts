import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type App, CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../../lib/app';
import type { HandlerEntries } from '../../../lib/firehose-integration';
import type { FirehoseStack } from '../../../lib/firehose-stack';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
export const HANDLERS_DIR = path.join(PROJECT_ROOT, 'lambda', 'handlers');
const STAND_IN_HANDLERS_DIR = path.join(__dirname, '..', 'fixtures', 'handlers');
const HANDLER_NAMES = ['ingress', 'worker', 'http'] as const;
type HandlerName = (typeof HANDLER_NAMES)[number];

/** Bound for a hook that synthesizes a whole app or stack: cdk-nag and validation took over 30 s on two busy cores. */
export const SYNTH_HOOK_TIMEOUT_MS = 180_000;

/** A partner URL for tests that want the delivery settings wired (the ingress dry-runs without one). */
export const TEST_PARTNER_API_URL = 'https://api.partner.example/v1';

/** What the CLI would pass: cdk.json's context. Tests add their overrides on top. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export function handlerExists(name: HandlerName): boolean {
  return fs.existsSync(path.join(HANDLERS_DIR, `${name}.ts`));
}

/**
 * With bundling skipped only the entry paths matter: a handler that does not exist yet (http.ts is
 * optional) is replaced by a stand-in, every existing one is used as is.
 */
export function standInsForMissingHandlers(): HandlerEntries {
  const missing = HANDLER_NAMES.filter((name) => !handlerExists(name));
  return Object.fromEntries(missing.map((name) => [name, path.join(STAND_IN_HANDLERS_DIR, `${name}.ts`)]));
}

export interface SynthOptions {
  /** Run aws-cdk-lib's CloudFormation validation too (~3 s); cdk-nag always runs. */
  readonly cloudFormationValidation?: boolean;
  /** Really bundle with esbuild instead of skipping it. */
  readonly bundle?: boolean;
}

export interface SynthesizedApp {
  readonly app: App;
  readonly assembly: CloudAssembly;
  readonly stacks: ReadonlyMap<string, FirehoseStack>;
  /** The only (or the named region's) stack. */
  stack(region?: string): FirehoseStack;
  template(region?: string): Template;
  /** Removes the temporary cloud assembly. */
  dispose(): void;
}

/** Builds the app as `cdk synth` would (cdk.json context + overrides) and synthesizes it once. */
export function synthApp(overrides: Record<string, unknown> = {}, options: SynthOptions = {}): SynthesizedApp {
  const handlerEntries = options.bundle === true ? undefined : standInsForMissingHandlers();
  // Our own folder, so a synth that throws (the tests of refused contexts) leaves nothing behind either.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk.out'));
  let built: ReturnType<typeof buildApp>;
  let assembly: CloudAssembly;
  try {
    built = buildApp({
      context: {
        ...cdkJsonContext(),
        ...(options.bundle === true ? {} : { 'aws:cdk:bundling-stacks': [] }),
        ...overrides,
      },
      outdir,
      cloudFormationValidation: options.cloudFormationValidation ?? false,
      ...(handlerEntries === undefined ? {} : { handlerEntries }),
    });
    assembly = built.app.synth();
  } catch (error) {
    fs.rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
  const { app, stacks } = built;
  const templates = new Map<string, Template>();

  const stackFor = (region?: string): FirehoseStack => {
    const found = region === undefined ? [...stacks.values()][0] : stacks.get(region);
    if (found === undefined) throw new Error(`no stack for ${region ?? 'the default region'}`);
    return found;
  };
  return {
    app,
    assembly,
    stacks,
    stack: stackFor,
    template(region) {
      const stack = stackFor(region);
      let template = templates.get(stack.stackName);
      if (template === undefined) {
        template = Template.fromJSON(assembly.getStackByName(stack.stackName).template as Record<string, unknown>);
        templates.set(stack.stackName, template);
      }
      return template;
    },
    dispose() {
      fs.rmSync(assembly.directory, { recursive: true, force: true });
    },
  };
}

/**
 * `synthApp` for the enclosing describe block (or file): synthesized once in a `beforeAll` with the synth bound,
 * removed in an `afterAll`. The returned app can be read from later hooks and tests, not at collection time.
 */
export function synthesizeBeforeAll(
  overrides: Record<string, unknown> = {},
  options: SynthOptions = {},
): SynthesizedApp {
  let synthesized: SynthesizedApp | undefined;
  beforeAll(() => {
    synthesized = synthApp(overrides, options);
  }, SYNTH_HOOK_TIMEOUT_MS);
  afterAll(() => synthesized?.dispose());
  const current = (): SynthesizedApp => {
    if (synthesized === undefined) throw new Error('the app is synthesized in beforeAll: read it in a hook or test');
    return synthesized;
  };
  return {
    get app() {
      return current().app;
    },
    get assembly() {
      return current().assembly;
    },
    get stacks() {
      return current().stacks;
    },
    stack: (region) => current().stack(region),
    template: (region) => current().template(region),
    dispose: () => current().dispose(),
  };
}

/** The logical id CloudFormation sees for a construct's default resource. */
export function logicalIdOf(stack: Stack, construct: IConstruct | undefined): string {
  const child = construct?.node.defaultChild;
  if (!(child instanceof CfnElement))
    throw new Error(`${construct?.node.path ?? 'undefined'} has no CloudFormation resource`);
  return stack.getLogicalId(child);
}
