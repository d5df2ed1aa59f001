import type { DataCenterCode } from '../../accounts/data-centers.js';
import type { EmulatorContext } from './context.js';
import type { EmulatorUser } from './directory.js';
import { DROP, authenticationFailure, invalidToken, json, scopeMismatch, type EmulatorResponse } from './responses.js';

const USERS_PATH = /^\/crm\/v\d+\/users$/;
const AUTHORIZATION = /^Zoho-oauthtoken +(\S+)$/i;

/**
 * `{api_domain}/crm/...`: enough of the CRM API to check a token. `users` answers the token's user (`type=CurrentUser`)
 * or its org's users; every other path answers an empty `data` list naming the path.
 */
export function crmEndpoint(context: EmulatorContext, dataCenter: DataCenterCode, method: string, url: URL, authorization: string | undefined): EmulatorResponse {
  context.stats.sawApiRequest();
  if (context.faults.takeDrop()) return DROP;
  const value = AUTHORIZATION.exec(authorization?.trim() ?? '')?.[1];
  if (value === undefined) return authenticationFailure();
  const token = context.ledger.accessToken(value);
  // Expired, evicted, revoked, unknown, or another data center's: all the same INVALID_TOKEN, as at Zoho.
  if (!token || token.dataCenter !== dataCenter) {
    context.stats.sawInvalidToken();
    return invalidToken();
  }
  if (!token.scope.some((scope) => /^ZohoCRM\./i.test(scope))) return scopeMismatch();

  const path = url.pathname.replace(/\/+$/, '');
  if (method === 'GET' && USERS_PATH.test(path)) {
    const own = token.userId === null ? null : context.directory.user(token.userId);
    const users = url.searchParams.get('type') === 'CurrentUser' ? (own ? [own] : []) : context.directory.orgUsers(token.orgId, dataCenter);
    return json(200, {
      users: users.map(userJson),
      info: { per_page: 200, count: users.length, page: 1, more_records: false },
    });
  }
  return json(200, { data: [], method, path: url.pathname });
}

function userJson(user: Readonly<EmulatorUser>): Record<string, unknown> {
  const [first, ...rest] = user.fullName.split(' ');
  return {
    id: user.id,
    zuid: user.id,
    email: user.email,
    full_name: user.fullName,
    first_name: rest.length > 0 ? first : null,
    last_name: rest.length > 0 ? rest.join(' ') : first,
    status: 'active',
    org_id: user.orgId,
    role: { name: 'CEO', id: `${user.orgId}000000001` },
    profile: { name: 'Administrator', id: `${user.orgId}000000002` },
  };
}
