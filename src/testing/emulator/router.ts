import type { IncomingMessage } from 'node:http';
import type { DataCenterCode } from '../../accounts/data-centers.js';
import { authorizeEndpoint } from './authorize-endpoint.js';
import type { EmulatorContext } from './context.js';
import { crmEndpoint } from './crm-endpoints.js';
import { BadRequest, readBody, readParams } from './request-params.js';
import { DROP, html, json, type EmulatorResponse } from './responses.js';
import { revokeEndpoint } from './revoke-endpoint.js';
import { tokenEndpoint } from './token-endpoint.js';

/** Sends one request of a data center's listener to its endpoint. */
export async function route(context: EmulatorContext, dataCenter: DataCenterCode, request: IncomingMessage): Promise<EmulatorResponse> {
  const method = request.method ?? 'GET';
  const url = URL.canParse(request.url ?? '/', 'http://emulator.invalid') ? new URL(request.url ?? '/', 'http://emulator.invalid') : null;
  // A request target no URL parser reads (`//[`): Zoho's servers answer 400, not a server error.
  if (url === null) return html(400, 'Bad Request', 'The request target is not a valid path.');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  try {
    const body = await readBody(request);
    if (path.startsWith('/crm/')) return crmEndpoint(context, dataCenter, method, url, request.headers.authorization);
    switch (path) {
      case '/oauth/v2/auth':
        if (method !== 'GET' && method !== 'POST') return notAllowed('GET, POST');
        return authorizeEndpoint(
          context,
          dataCenter,
          method,
          await readParams(url, request.headers['content-type'], body),
          request.headers.accept,
        );
      case '/oauth/v2/token':
        if (method !== 'POST') return notAllowed('POST');
        return tokenEndpoint(context, dataCenter, await readParams(url, request.headers['content-type'], body));
      case '/oauth/v2/token/revoke':
        if (method !== 'POST') return notAllowed('POST');
        return revokeEndpoint(context, dataCenter, await readParams(url, request.headers['content-type'], body));
      default:
        if (context.faults.takeDrop()) return DROP;
        return json(404, { error: 'not_found', path: url.pathname });
    }
  } catch (error) {
    if (error instanceof BadRequest) return html(error.status, 'Bad Request', error.message);
    throw error;
  }
}

function notAllowed(allowed: string): EmulatorResponse {
  const page = html(405, 'Method Not Allowed', `Use ${allowed}.`);
  return page.kind === 'reply' ? { ...page, headers: { ...page.headers, allow: allowed } } : page;
}
