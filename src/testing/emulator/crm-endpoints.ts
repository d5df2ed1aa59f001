import type { DataCenterCode } from '../../accounts/data-centers.js';
import type { EmulatorContext } from './context.js';
import type { EmulatorUser } from './directory.js';
import type { CrmRecord } from './records.js';
import { DROP, authenticationFailure, invalidToken, json, scopeMismatch, type EmulatorResponse } from './responses.js';

const USERS_PATH = /^\/crm\/v\d+\/users$/;
const ORG_PATH = /^\/crm\/v\d+\/org$/;
const MODULE_PATH = /^\/crm\/v\d+\/([A-Za-z][A-Za-z0-9_]*)$/;
const MAX_PER_PAGE = 200;
const AUTHORIZATION = /^Zoho-oauthtoken +(\S+)$/i;

/**
 * `{api_domain}/crm/...`: enough of the CRM API to check a token. `users` answers the token's user (`type=CurrentUser`)
 * or its org's users; `org` answers the token's org (the official SDKs read its `zgid` to name a token `email:zgid`); `GET` of a module seeded with `emulator.addRecords` answers the Records API (the token user's
 * records, paged, or 204 when there are none); every other path answers an empty `data` list naming the path.
 */
export function crmEndpoint(
  context: EmulatorContext,
  dataCenter: DataCenterCode,
  method: string,
  url: URL,
  authorization: string | undefined,
): EmulatorResponse {
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
  if (method === 'GET' && ORG_PATH.test(path))
    return json(200, { org: [orgJson(token.orgId, token.userId === null ? null : context.directory.user(token.userId))] });
  const module = MODULE_PATH.exec(path)?.[1];
  if (method === 'GET' && module !== undefined && context.records.isRecordsModule(module)) {
    return recordsPage(token.userId === null ? [] : context.records.list(token.userId, module), url.searchParams);
  }
  return json(200, { data: [], method, path: url.pathname });
}

/** Zoho's `GET /crm/v8/{module}`: `page`, `per_page` (at most 200) and `fields`; no records at all is 204 No Content. */
function recordsPage(records: readonly CrmRecord[], params: URLSearchParams): EmulatorResponse {
  const page = positiveInteger(params.get('page'), 1);
  const perPage = Math.min(positiveInteger(params.get('per_page'), MAX_PER_PAGE), MAX_PER_PAGE);
  const slice = records.slice((page - 1) * perPage, page * perPage);
  if (slice.length === 0) return { kind: 'reply', status: 204, headers: {}, body: '' };
  const fields = params
    .get('fields')
    ?.split(',')
    .map((field) => field.trim())
    .filter(Boolean);
  const data = fields
    ? slice.map((record) => Object.fromEntries(Object.entries(record).filter(([name]) => name === 'id' || fields.includes(name))))
    : slice;
  return json(200, {
    data,
    info: {
      per_page: perPage,
      count: slice.length,
      page,
      sort_by: 'id',
      sort_order: 'desc',
      more_records: records.length > page * perPage,
    },
  });
}

function positiveInteger(text: string | null, fallback: number): number {
  const value = Number(text);
  return text !== null && Number.isSafeInteger(value) && value >= 1 ? value : fallback;
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

// Zoho's org ids and zgids are different numbers; here the zgid is the emulator's org id and the record id derives from it.
function orgJson(orgId: string, user: Readonly<EmulatorUser> | null): Record<string, unknown> {
  return {
    id: `${orgId}000000000`,
    zgid: orgId,
    company_name: `Org ${orgId}`,
    primary_email: user?.email ?? null,
    type: 'production',
    country_code: 'US',
    currency: 'US Dollar - USD',
  };
}
