import { createCoreDependencies } from '../lambda/delivery/create-delivery';
import { integration } from '../lambda/integration';
import { createLogger } from '../lambda/observability/logger';
import { createIngressRuntime, type IngressRuntime } from '../lambda/runtime/ingress-runtime';

/** The ingress pipeline as local tools run it, configured from this process's environment. */
export interface LocalIngress {
  readonly runtime: IngressRuntime;
  readonly description: string;
  close(): Promise<void>;
}

export async function createLocalIngress(env: NodeJS.ProcessEnv = process.env): Promise<LocalIngress> {
  const logger = createLogger('firehose-ingress');
  const dependencies = createCoreDependencies(integration, env, logger);
  return {
    runtime: createIngressRuntime(dependencies, logger),
    description: dependencies.delivery.description,
    close: async () => {
      dependencies.parts?.close();
    },
  };
}
