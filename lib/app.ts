import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readAppConfig } from './config';
import type { HandlerEntries } from './firehose-integration';
import { FirehoseStack, firehoseStackName } from './firehose-stack';
import { PLATFORM_ENV } from '../lambda/config/environment';

export interface BuildAppOptions {
  /** Context on top of what the CLI passes (cdk.json, `-c`); tests pass cdk.json's context plus overrides here. */
  readonly context?: Record<string, unknown>;
  /** Target account; synth works without one (the stacks are then account-agnostic). @default PLATFORM_ENV.cdkDefaultAccount */
  readonly account?: string;
  /** Cloud assembly directory. @default the CLI's, or a temporary directory */
  readonly outdir?: string;
  /**
   * aws-cdk-lib's built-in CloudFormation template validation (a WASM engine: 3–9 s per synth on this 2-core machine).
   * Unit tests turn it off except where they check validation. @default true
   */
  readonly cloudFormationValidation?: boolean;
  /** Entry files of the handlers (tests use stand-ins while one is missing). @default lambda/handlers/*.ts */
  readonly handlerEntries?: HandlerEntries;
}

export interface FirehoseApp {
  readonly app: App;
  /** By region, in the order of context "regions". */
  readonly stacks: ReadonlyMap<string, FirehoseStack>;
}

/** The whole CDK app: one FirehoseStack per region from context, checked by cdk-nag's AWS Solutions rules. */
export function buildApp(options: BuildAppOptions = {}): FirehoseApp {
  const app = new App({
    ...(options.context === undefined ? {} : { context: options.context }),
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    ...(options.cloudFormationValidation === undefined
      ? {}
      : { builtinCloudFormationValidation: options.cloudFormationValidation }),
  });
  const config = readAppConfig((key) => app.node.tryGetContext(key));
  const account = options.account ?? process.env[PLATFORM_ENV.cdkDefaultAccount];

  const stacks = new Map<string, FirehoseStack>();
  for (const region of config.regions) {
    const name = firehoseStackName(region);
    stacks.set(
      region,
      new FirehoseStack(app, name, {
        stackName: name,
        description: `mParticle Firehose integration (${region}): ingress function, delivery queue, worker`,
        env: account === undefined ? { region } : { account, region },
        config: config.forRegion(region),
        ...(options.handlerEntries === undefined ? {} : { handlerEntries: options.handlerEntries }),
      }),
    );
  }

  // cdk-nag 3 is a validation plugin run at synth; registering it as an Aspect crashes.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stacks };
}
