import type { AuthContext } from '../core/partner-integration';
import { requiredStringSetting } from '../firehose';
import { WORKSPACE_TOKEN } from './registration';

/** Acme Segments reads the customer's workspace token from its own header; no partner-level credential. */
export function authHeaders({ secrets }: AuthContext): Record<string, string> {
  return { 'x-acme-token': requiredStringSetting(secrets, WORKSPACE_TOKEN) };
}
