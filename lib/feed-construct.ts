import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { CustomerFeeds, type CustomerFeedsProps } from './customer-feeds';

export interface FeedIngestionProps extends Omit<CustomerFeedsProps, 'secretPrefix' | 'maxUploadsPerCustomer'> {
  /** The customer's Events API credentials, JSON `{"apiKey":"…","apiSecret":"…"}`. Default: a new secret to fill in. */
  readonly secret?: secretsmanager.ISecret;
  /** The customer's pod (us1, us2, eu1, au1). Default: mParticle's partner inbound URL. */
  readonly pod?: string;
  /** Age in days from which batches go to the historical endpoint. Default 30. */
  readonly historicalAfterDays?: number;
}

/**
 * The feed for one customer: CustomerFeeds (lib/customer-feeds.ts) with the deployment's own secret and
 * pod instead of one secret per customer. Uploads go anywhere under `incoming/`.
 */
export class FeedIngestion extends CustomerFeeds {
  readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: FeedIngestionProps = {}) {
    const { secret, pod, historicalAfterDays, ...shared } = props;
    super(scope, id, shared, { secret, pod, historicalAfterDays });
    if (!this.singleCustomerSecret) throw new Error('FeedIngestion: the single-customer secret is missing');
    this.secret = this.singleCustomerSecret;
  }
}
