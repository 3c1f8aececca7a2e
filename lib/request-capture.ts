import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgePrefixWildcard } from './nag-acknowledgements';
import { privateBucket } from './private-bucket';
import { CAPTURE_ENV } from '../lambda/config/environment';
import { CAPTURE_DEFAULTS } from '../lambda/capture/capture-defaults';

export interface RequestCaptureProps {
  /** Share of requests captured, 0…1. @default 1 (every request): lower it for high-volume integrations */
  readonly sampleRate?: number;
  /** How long captured requests are kept. @default 14 days */
  readonly retention?: Duration;
}

/**
 * Opt-in capture (`-c capture=true`): the bucket the ingress writes sampled raw requests to, without their
 * confidential settings, for `npm run replay` (docs/capture-and-replay.md). The functions may only put
 * objects under `captures/`; nothing in the stack reads them.
 */
export class RequestCapture extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly accessLogsBucket: s3.Bucket;
  /** The variables a capturing function needs. */
  public readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: RequestCaptureProps = {}) {
    super(scope, id);
    const sampleRate = props.sampleRate ?? CAPTURE_DEFAULTS.sampleRate;
    if (!(sampleRate > 0 && sampleRate <= 1))
      throw new Error(`RequestCapture: sampleRate must be above 0 and at most 1, got ${sampleRate}`);
    const { bucket, accessLogs } = privateBucket(this, 'Bucket', {
      expireAfter: props.retention ?? Duration.days(CAPTURE_DEFAULTS.retentionDays),
    });
    this.bucket = bucket;
    this.accessLogsBucket = accessLogs;
    this.environment = { [CAPTURE_ENV.bucket]: bucket.bucketName, [CAPTURE_ENV.sampleRate]: String(sampleRate) };
  }

  /** Lets a function write captures (PutObject under the capture prefix only) and tells it where. */
  grantCapture(fn: lambda.Function): void {
    // PutObject alone (grantPut would add tagging, retention and Abort*), on the capture prefix alone.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${CAPTURE_DEFAULTS.prefix}*`)],
      }),
    );
    if (fn.role) {
      acknowledgePrefixWildcard(
        fn.role,
        this.bucket,
        CAPTURE_DEFAULTS.prefix,
        'Each capture object gets a new name (time, container, sequence); the wildcard is limited to the captures/ prefix.',
      );
    }
    for (const [name, value] of Object.entries(this.environment)) fn.addEnvironment(name, value);
  }
}
