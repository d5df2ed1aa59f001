import type { DataCenterCode } from '../../accounts/data-centers.js';
import type { EmulatorContext } from './context.js';
import { DROP, json, serverError, type EmulatorResponse } from './responses.js';

/** `POST /oauth/v2/token/revoke?token=<refresh token>`: deletes it and every access token made from it. */
export function revokeEndpoint(
  context: EmulatorContext,
  dataCenter: DataCenterCode,
  params: ReadonlyMap<string, string>,
): EmulatorResponse {
  context.stats.sawRevoke();
  if (context.faults.takeDrop()) return DROP;
  const status = context.faults.takeFailure();
  if (status !== null) return serverError(status);
  const record = context.ledger.refreshToken(params.get('token') ?? '');
  // Unknown here (never issued, already revoked, or another data center's): HTTP 400, unlike the token endpoint.
  if (!record || record.dataCenter !== dataCenter) return json(400, { error: 'invalid_request', status: 'failure' });
  context.ledger.revoke(record.value);
  return json(200, { status: 'success' });
}
