import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { DELIVERY_ENV, FUNCTION_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import { readDeliveryConfig } from '../../lambda/delivery/delivery-config';
import { FirehoseIntegration } from '../../lib/firehose-integration';
import { type DeliveryLocations, sharedEnvironment } from '../../lib/function-environment';
import { standInsForMissingHandlers } from './support/synth';
import { resourcesOfType } from './support/template-queries';

/** The construct applies the namespace default; sharedEnvironment takes whatever it is given. */
const NAMESPACE = 'AcmeFirehose';

/** Where a deployed integration's resources would be (CDK tokens at synth time; plain strings here). */
const locations: DeliveryLocations = {
  deliveryQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/delivery',
  deadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/dead-letter',
  sealingKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  claimCheckBucketName: 'claim-checks',
  partnerCredentialSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:partner-AbCdEf',
};
const DELIVERY_NAMES = [
  DELIVERY_ENV.partnerApiUrl,
  DELIVERY_ENV.deliveryQueueUrl,
  DELIVERY_ENV.deadLetterQueueUrl,
  DELIVERY_ENV.sealingKeyId,
  DELIVERY_ENV.partnerCredentialSecretArn,
  DELIVERY_ENV.claimCheckBucket,
];

describe('sharedEnvironment', () => {
  it('gives a partner URL every delivery setting, which the delivering functions read as a delivery config', () => {
    // Act
    const environment = sharedEnvironment(
      { partnerApiUrl: 'https://api.partner.example', metricsNamespace: NAMESPACE },
      locations,
    );

    // Assess
    expect(environment).toMatchObject({
      [DELIVERY_ENV.partnerApiUrl]: 'https://api.partner.example',
      [DELIVERY_ENV.deliveryQueueUrl]: locations.deliveryQueueUrl,
      [DELIVERY_ENV.deadLetterQueueUrl]: locations.deadLetterQueueUrl,
      [DELIVERY_ENV.sealingKeyId]: locations.sealingKeyArn,
      [DELIVERY_ENV.partnerCredentialSecretArn]: locations.partnerCredentialSecretArn,
      [DELIVERY_ENV.claimCheckBucket]: locations.claimCheckBucketName,
    });
    expect(environment).not.toHaveProperty(DELIVERY_ENV.dryRun);
    const config = readDeliveryConfig(environment);
    expect(config?.partnerApiUrl.href).toBe('https://api.partner.example/');
    expect(config).toMatchObject({
      queueUrl: locations.deliveryQueueUrl,
      deadLetterQueueUrl: locations.deadLetterQueueUrl,
      claimCheckBucket: locations.claimCheckBucketName,
      sealing: { kind: 'kms', keyId: locations.sealingKeyArn },
    });
  });

  it('sets no delivery setting without a partner URL, so the functions run their dry run or refuse data', () => {
    // Act
    const refusing = sharedEnvironment({ metricsNamespace: NAMESPACE }, locations);
    const dryRun = sharedEnvironment({ dryRun: true, metricsNamespace: NAMESPACE }, locations);

    // Assess
    for (const environment of [refusing, dryRun]) {
      for (const name of DELIVERY_NAMES) expect(environment).not.toHaveProperty(name);
      expect(readDeliveryConfig(environment)).toBeUndefined();
    }
    expect(refusing).not.toHaveProperty(DELIVERY_ENV.dryRun);
    expect(dryRun[DELIVERY_ENV.dryRun]).toBe('true');
  });

  it('ignores dryRun when a partner URL is set: the functions deliver', () => {
    const environment = sharedEnvironment(
      { partnerApiUrl: 'https://api.partner.example', dryRun: true, metricsNamespace: NAMESPACE },
      locations,
    );
    expect(environment).not.toHaveProperty(DELIVERY_ENV.dryRun);
  });

  it('leaves the partner credential out when there is none', () => {
    // Prepare
    const { partnerCredentialSecretArn: _none, ...withoutCredential } = locations;

    // Act
    const environment = sharedEnvironment(
      { partnerApiUrl: 'https://api.partner.example', metricsNamespace: NAMESPACE },
      withoutCredential,
    );

    // Assess
    expect(environment).not.toHaveProperty(DELIVERY_ENV.partnerCredentialSecretArn);
    expect(environment[DELIVERY_ENV.claimCheckBucket]).toBe(locations.claimCheckBucketName);
  });

  it('defaults the log level, keeps source maps on, and takes the given level and namespace', () => {
    expect(sharedEnvironment({ metricsNamespace: NAMESPACE }, locations)).toEqual({
      [PLATFORM_ENV.nodeOptions]: '--enable-source-maps',
      [PLATFORM_ENV.metricsNamespace]: NAMESPACE,
      [FUNCTION_ENV.logLevel]: 'INFO',
    });
    expect(sharedEnvironment({ logLevel: 'DEBUG', metricsNamespace: 'Acme' }, locations)).toMatchObject({
      [PLATFORM_ENV.metricsNamespace]: 'Acme',
      [FUNCTION_ENV.logLevel]: 'DEBUG',
    });
  });
});

describe("FirehoseIntegration's function environment", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'function-environment-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it('gives every function the default metrics namespace when none is set, the one its alarms read', () => {
    // Prepare
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Defaults', { env: { region: 'eu-west-1' } });

    // Act
    new FirehoseIntegration(stack, 'Firehose', { handlerEntries: standInsForMissingHandlers() });
    const template = Template.fromStack(stack);

    // Assess
    const namespaces = resourcesOfType(template, 'AWS::Lambda::Function')
      .map(
        ([, fn]) => (fn.Properties?.['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables,
      )
      .filter((variables) => variables?.[PLATFORM_ENV.serviceName] !== undefined)
      .map((variables) => variables?.[PLATFORM_ENV.metricsNamespace]);
    expect(namespaces).toEqual(['MparticleFirehose', 'MparticleFirehose']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CallsParked',
      Namespace: 'MparticleFirehose',
    });
  });
});
