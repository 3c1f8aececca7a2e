import { parseJson } from '../../lambda/firehose';

/**
 * A reference receiver of `POST /audience-memberships`, applying the rule docs/partner-api.md gives:
 * per (mpid, audience_id) keep the (timestamp_ms, request_id) of the last change applied, and ignore any
 * change that is not newer. Deliveries may then arrive in any order and more than once.
 */

interface MembershipBody {
  readonly request_id: string;
  readonly timestamp_ms?: number;
  readonly memberships: readonly {
    readonly mpid: string;
    readonly changes: readonly { readonly audience_id: number; readonly action: string }[];
  }[];
}

interface Version {
  readonly timestampMs: number;
  readonly requestId: string;
}

/** True when `a` was written after `b`: later timestamp, or same timestamp and greater id (a fixed tie-break). */
export function isNewer(a: Version, b: Version): boolean {
  return a.timestampMs !== b.timestampMs ? a.timestampMs > b.timestampMs : a.requestId > b.requestId;
}

export class MembershipReceiver {
  private readonly members = new Map<string, { member: boolean; version: Version }>();
  ignored = 0;

  /** Applies one delivery (the request body as received). */
  apply(bodyText: string): void {
    const body = parseJson(bodyText) as MembershipBody;
    // Without timestamp_ms a change cannot be ordered: it is applied as it arrives (docs/partner-api.md).
    const ordered = body.timestamp_ms !== undefined;
    const version = { timestampMs: body.timestamp_ms ?? Number.NEGATIVE_INFINITY, requestId: body.request_id };
    for (const membership of body.memberships) {
      for (const change of membership.changes) {
        const key = `${membership.mpid}\u0000${change.audience_id}`;
        const current = this.members.get(key);
        if (ordered && current && !isNewer(version, current.version)) {
          this.ignored++;
          continue;
        }
        // An attribute update is sent for a member: it keeps (or makes) the user one.
        this.members.set(key, { member: change.action !== 'delete', version });
      }
    }
  }

  isMember(mpid: string, audienceId: number): boolean {
    return this.members.get(`${mpid}\u0000${audienceId}`)?.member ?? false;
  }
}
