import type { IncomingHttpHeaders } from 'node:http';
import type { ClientContext, CognitoIdentity, Context } from 'aws-lambda';
import { PLATFORM_ENV } from '../config/environment';
import type { Env } from '../config/env-readers';

/**
 * The handler's Lambda Context, built from the invocation's headers and the sandbox's variables the way the
 * managed runtime builds it. The deprecated callbacks (done, fail, succeed) throw: nothing here uses them.
 */
export function buildContext(
  requestId: string,
  headers: IncomingHttpHeaders,
  env: Env,
  now: () => number = Date.now,
): Context {
  const deadline = Number(header(headers, 'lambda-runtime-deadline-ms'));
  const clientContext = parseHeaderJson<ClientContext>(headers, 'lambda-runtime-client-context');
  const identity = parseHeaderJson<CognitoIdentity>(headers, 'lambda-runtime-cognito-identity');
  const unsupported = (): never => {
    throw new Error('the callback style (done/fail/succeed) is not supported: return a promise');
  };
  return {
    awsRequestId: requestId,
    invokedFunctionArn: header(headers, 'lambda-runtime-invoked-function-arn') ?? '',
    functionName: env[PLATFORM_ENV.lambdaFunctionName] ?? '',
    functionVersion: env[PLATFORM_ENV.lambdaFunctionVersion] ?? '$LATEST',
    memoryLimitInMB: env[PLATFORM_ENV.lambdaMemorySize] ?? '',
    logGroupName: env[PLATFORM_ENV.lambdaLogGroupName] ?? '',
    logStreamName: env[PLATFORM_ENV.lambdaLogStreamName] ?? '',
    callbackWaitsForEmptyEventLoop: false,
    ...(clientContext === undefined ? {} : { clientContext }),
    ...(identity === undefined ? {} : { identity }),
    getRemainingTimeInMillis: () => (Number.isFinite(deadline) ? deadline - now() : 0),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseHeaderJson<T>(headers: IncomingHttpHeaders, name: string): T | undefined {
  const text = header(headers, name);
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    // A malformed optional header must not fail the invocation; the handler simply does not get it.
    return undefined;
  }
}
