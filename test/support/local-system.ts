import { createLogger } from '../../lambda/observability/logger';
import { TEST_QUEUE_MESSAGE_BYTES } from './large-payloads';
import { type LocalSystem, type LocalSystemOptions, startLocalSystem } from '../../local/local-system';
import { KIT_INTEGRATION_MODULE } from './kit-integration-module';

/**
 * `npm start`'s system on free loopback ports, quiet, running the tests' integration (its ingress bundle too),
 * for a test; `options` adds to or overrides that.
 */
export function startTestLocalSystem(options: Partial<LocalSystemOptions> = {}): Promise<LocalSystem> {
  return startLocalSystem({
    invokePort: 0,
    httpPort: 0,
    partnerPort: 0,
    sqsPort: 0,
    region: 'us-east-1',
    logger: createLogger('firehose-local', 'SILENT'),
    integrationModule: KIT_INTEGRATION_MODULE,
    queueMessageMaxBytes: TEST_QUEUE_MESSAGE_BYTES,
    ...options,
  });
}
