/**
 * AWS list prices the cost table uses: us-east-1, arm64, first pricing tier, free tier ignored. Taken from
 * the public pricing pages (aws.amazon.com/lambda/pricing, /sqs/pricing, /kms/pricing,
 * /cloudwatch/pricing) as last read by the author in 2025. NOT re-checked from the machine that wrote
 * this (it has no internet): check them before quoting a figure to a customer.
 */
export interface Prices {
  readonly region: string;
  readonly architecture: string;
  /** When the prices were read, and how sure we are of them. */
  readonly takenOn: string;
  /** USD per GB-second of Lambda duration (arm64, first 7.5 billion GB-s a month). */
  readonly lambdaGbSecond: number;
  /** USD per Lambda request. */
  readonly lambdaRequest: number;
  /** USD per SQS standard-queue request; every 64 KiB chunk of a payload is billed as one request. */
  readonly sqsRequest: number;
  /** USD per KMS request (GenerateDataKey, Decrypt). The key itself costs USD 1 a month per region. */
  readonly kmsRequest: number;
  /** USD per GB of CloudWatch Logs ingested (standard class); storage (USD 0.03/GB-month, compressed) is extra. */
  readonly logsIngestGb: number;
}

export const PRICES_US_EAST_1_ARM64: Prices = {
  region: 'us-east-1',
  architecture: 'arm64',
  takenOn: 'AWS list prices as published in 2025; not re-checked from this machine (no internet)',
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  sqsRequest: 0.4 / 1e6,
  kmsRequest: 0.03 / 1e4,
  logsIngestGb: 0.5,
};

/** SQS bills each 64 KiB chunk of a request's payload as one request. */
export const SQS_BILLING_CHUNK_BYTES = 64 * 1024;
