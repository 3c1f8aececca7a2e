/**
 * Names shared by the construct (what it ships), the bench, the local system and the tests. The wrapper
 * finds the loop beside itself; the loop calls the handler module's raw entry point (docs/runtime-loop.md).
 */
export const RUNTIME_LOOP_FILES = {
  /** The executable PLATFORM_ENV.lambdaExecWrapper names, shipped with its run bit. Source: ./wrapper.sh */
  wrapper: 'runtime-wrapper.sh',
  /** The bundled loop. Source: ./main.ts */
  loop: 'runtime-loop.js',
} as const;

/** Where Lambda unpacks the function's code, so where the wrapper lives in the sandbox. */
export const LAMBDA_TASK_DIR = '/var/task';

/** The export the loop calls with the payload's bytes: `(payload: Buffer, context: Context) => Promise<unknown>`. */
export const RAW_HANDLER_EXPORT = 'rawHandler';

/**
 * The metric the wrapper's fallback line counts (embedded metric format, the functions' namespace, dimension
 * `service`), and the construct alarms on: the ingress runs the managed runtime and rounds integers again.
 */
export const MANAGED_RUNTIME_FALLBACK_METRIC = 'ManagedRuntimeFallback';
