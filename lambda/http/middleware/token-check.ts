import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { headerOf, messageTypeOf, quotable, type FirehoseHttpEvent, type FunctionUrlResult } from '../function-url';
import { problems } from '../errors';
import { readAuthorization, type RejectionReason } from '../token-auth';
import { METRIC_NAMES } from '../../observability/metrics';
import type { TokenSource } from '../token-source';

/** The name of the metric (and log field) that counts refused calls. */
export const REJECTED_AUTH_METRIC = METRIC_NAMES.rejectedAuth;

/**
 * 401 unless `Authorization: Token <token>` carries a valid token. A module registration request needs
 * none: mParticle needs the registration answer before it issues the token (docs/firehose-protocol.md, "Deployment").
 *
 * mParticle does not retry a 401, so each refusal is logged at warn with route, reason and source address
 * (never the presented value) for an alarm; and a mismatch re-reads the tokens once before refusing, so a
 * freshly rotated token is not refused by a container still holding the old one.
 */
export function tokenCheck(options: {
  tokens: TokenSource;
  logger: Logger;
  /** Called once per refused call, e.g. to count it in a metric an alarm watches. */
  onRejected?: () => void;
}): MiddlewareObj<FirehoseHttpEvent, FunctionUrlResult> {
  const refuse = (event: FirehoseHttpEvent, reason: RejectionReason, type: string | undefined): never => {
    options.logger.warn('refused a call without a valid token', {
      metric: REJECTED_AUTH_METRIC,
      route: event.route?.path,
      reason,
      sourceIp: event.requestContext?.http?.sourceIp,
      userAgent: quotable(event.requestContext?.http?.userAgent ?? '', 120),
      ...(type === undefined ? {} : { requestType: quotable(type) }),
    });
    options.onRejected?.();
    throw problems.unauthorized();
  };

  return {
    before: async (request) => {
      const event = request.event;
      const type = messageTypeOf(event);
      if (type === 'module_registration_request') return;

      const presented = readAuthorization(headerOf(event, 'authorization'));
      if (presented.kind !== 'token') return refuse(event, presented.kind, type);
      if ((await options.tokens.current()).matches(presented.token)) return;
      const reread = await options.tokens.refreshAfterMismatch();
      if (reread?.matches(presented.token)) return;
      return refuse(event, 'mismatch', type);
    },
  };
}
