import { Annotations, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { RegionConfig } from './config';
import { CustomerFeeds } from './customer-feeds';
import { FeedIngestion } from './feed-construct';
import { FirehoseIntegration, type HandlerEntries } from './firehose-integration';
import { addFirehoseOutputs } from './stack-outputs';

export interface FirehoseStackProps extends StackProps {
  /** The region's settings, read from context by `readAppConfig`. */
  readonly config: RegionConfig;
  /** Entry files of the handlers. @default lambda/handlers/{ingress,worker,http}.ts */
  readonly handlerEntries?: HandlerEntries;
}

/** Stack names carry the region: one stack per region, each with its own alias ARN for mParticle. */
export function firehoseStackName(region: string): string {
  return `MparticleFirehose-${region}`;
}

/** One region's Firehose integration, its alarm topic (if any) and the outputs an operator needs. */
export class FirehoseStack extends Stack {
  public readonly integration: FirehoseIntegration;
  public readonly alarmTopic?: sns.ITopic;
  /**
   * The optional S3 feed into mParticle's Events API (context "feed"): for every mutual customer with
   * "feedCustomers", else for the deployment's one customer (FeedIngestion).
   */
  public readonly feed?: CustomerFeeds;

  constructor(scope: Construct, id: string, props: FirehoseStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.alarmTopic = this.createAlarmTopic(config);
    if (config.partnerApiUrl === undefined) {
      Annotations.of(this).addWarningV2(
        'mparticle-firehose:partnerApiUrlUnset',
        config.dryRun
          ? 'Context "dryRun" is true: the ingress logs partner calls and answers success; nothing reaches a partner.'
          : 'Context "partnerApiUrl" is not set: the ingress will fail every request carrying data (registration and ' +
              'verification still answer). Deploy with -c partnerApiUrl=https://… or, to log instead of sending, -c dryRun=true.',
      );
    }

    this.integration = new FirehoseIntegration(this, 'Firehose', {
      mparticleAccounts: config.mparticleAccounts,
      provisionedConcurrency: config.provisionedConcurrency,
      enableHttpEndpoint: config.httpEndpoint,
      dryRun: config.dryRun,
      logRetention: config.logRetentionDays,
      logLevel: config.logLevel,
      metricsNamespace: config.metricsNamespace,
      // The stack name already names the region.
      dashboardName: this.stackName,
      ...(config.partnerApiUrl === undefined ? {} : { partnerApiUrl: config.partnerApiUrl }),
      ...(config.captureSampleRate === undefined ? {} : { requestCapture: { sampleRate: config.captureSampleRate } }),
      ...(this.alarmTopic === undefined ? {} : { alarmTopic: this.alarmTopic }),
      ...(props.handlerEntries === undefined ? {} : { handlerEntries: props.handlerEntries }),
    });

    if (config.feed) {
      const feedProps = {
        logRetention: config.logRetentionDays,
        metricsNamespace: config.metricsNamespace,
        ...(this.alarmTopic === undefined ? {} : { alarmTopic: this.alarmTopic }),
      };
      this.feed = config.feedCustomers
        ? new CustomerFeeds(this, 'Feed', {
            ...feedProps,
            ...(config.feedSecretPrefix === undefined ? {} : { secretPrefix: config.feedSecretPrefix }),
          })
        : new FeedIngestion(this, 'Feed', {
            ...feedProps,
            ...(config.feedPod === undefined ? {} : { pod: config.feedPod }),
          });
    }

    addFirehoseOutputs(this, this.integration, this.feed);
  }

  /** An existing topic by ARN, or a new one that mails `alarmEmail`; none if neither is set. */
  private createAlarmTopic(config: RegionConfig): sns.ITopic | undefined {
    if (config.alarmTopicArn !== undefined) return sns.Topic.fromTopicArn(this, 'AlarmTopic', config.alarmTopicArn);
    if (config.alarmEmail === undefined) return undefined;
    const topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'mParticle Firehose alarms', enforceSSL: true });
    topic.addSubscription(new snsSubscriptions.EmailSubscription(config.alarmEmail));
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and metric values only. CloudWatch cannot publish to a topic ' +
        'encrypted with the AWS managed SNS key, and a customer key per region only for this adds cost without protecting data.',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: topic.topicArn,
      description: 'SNS topic for alarm notifications (confirm the e-mail subscription)',
    });
    return topic;
  }
}
