import { describe, expect, it } from 'vitest';
import { PLATFORM_ENV } from '../../lambda/config/environment';
import { ENV } from '../../lambda/delivery/defaults';
import { readDeliveryConfig } from '../../lambda/delivery/delivery-config';
import { type DeliveryLocations, sharedEnvironment } from '../../lib/function-environment';

/** Where a deployed integration's resources would be (CDK tokens at synth time; plain strings here). */
const locations: DeliveryLocations = {
  deliveryQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/delivery',
  deadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/dead-letter',
  sealingKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  claimCheckBucketName: 'claim-checks',
  partnerCredentialSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:partner-AbCdEf',
};
const DELIVERY_NAMES = [
  ENV.partnerApiUrl,
  ENV.deliveryQueueUrl,
  ENV.deadLetterQueueUrl,
  ENV.sealingKeyId,
  ENV.partnerCredentialSecretArn,
  ENV.claimCheckBucket,
];

describe('sharedEnvironment', () => {
  it('gives a partner URL every delivery setting, which the delivering functions read as a delivery config', () => {
    // Act
    const environment = sharedEnvironment({ partnerApiUrl: 'https://api.partner.example' }, locations);

    // Assess
    expect(environment).toMatchObject({
      [ENV.partnerApiUrl]: 'https://api.partner.example',
      [ENV.deliveryQueueUrl]: locations.deliveryQueueUrl,
      [ENV.deadLetterQueueUrl]: locations.deadLetterQueueUrl,
      [ENV.sealingKeyId]: locations.sealingKeyArn,
      [ENV.partnerCredentialSecretArn]: locations.partnerCredentialSecretArn,
      [ENV.claimCheckBucket]: locations.claimCheckBucketName,
    });
    expect(environment).not.toHaveProperty(ENV.dryRun);
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
    const refusing = sharedEnvironment({}, locations);
    const dryRun = sharedEnvironment({ dryRun: true }, locations);

    // Assess
    for (const environment of [refusing, dryRun]) {
      for (const name of DELIVERY_NAMES) expect(environment).not.toHaveProperty(name);
      expect(readDeliveryConfig(environment)).toBeUndefined();
    }
    expect(refusing).not.toHaveProperty(ENV.dryRun);
    expect(dryRun[ENV.dryRun]).toBe('true');
  });

  it('ignores dryRun when a partner URL is set: the functions deliver', () => {
    const environment = sharedEnvironment({ partnerApiUrl: 'https://api.partner.example', dryRun: true }, locations);
    expect(environment).not.toHaveProperty(ENV.dryRun);
  });

  it('leaves the partner credential out when there is none', () => {
    // Prepare
    const { partnerCredentialSecretArn: _none, ...withoutCredential } = locations;

    // Act
    const environment = sharedEnvironment({ partnerApiUrl: 'https://api.partner.example' }, withoutCredential);

    // Assess
    expect(environment).not.toHaveProperty(ENV.partnerCredentialSecretArn);
    expect(environment[ENV.claimCheckBucket]).toBe(locations.claimCheckBucketName);
  });

  it('defaults the log level and metrics namespace, keeps source maps on, and takes the given ones', () => {
    expect(sharedEnvironment({}, locations)).toEqual({
      [PLATFORM_ENV.nodeOptions]: '--enable-source-maps',
      [PLATFORM_ENV.metricsNamespace]: 'MparticleFirehose',
      [ENV.logLevel]: 'INFO',
    });
    expect(sharedEnvironment({ logLevel: 'DEBUG', metricsNamespace: 'Acme' }, locations)).toMatchObject({
      [PLATFORM_ENV.metricsNamespace]: 'Acme',
      [ENV.logLevel]: 'DEBUG',
    });
  });
});
