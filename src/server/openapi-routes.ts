import { z } from 'zod';
import { OPERATOR_ACTIONS } from '../core/index.js';
import { alarmRequestSchemas } from './routes-alarms.js';
import { sessionRequestSchemas } from './routes-auth.js';
import { bypassRequestSchemas } from './routes-bypass.js';
import { centreRequestSchemas } from './routes-centre.js';
import { consoleRequestSchemas } from './console-assets.js';
import { pointRequestSchemas } from './routes-points.js';
import { peopleRequestSchemas } from './routes-people.js';

/**
 * What the OpenAPI reference says of each route (openapi.ts builds the document): documentation
 * only. The routes themselves carry no fastify schema and parse their requests with zod, so their
 * answers and error messages stay exactly as they are; the request schemas below are those same zod
 * schemas. A route registered without an entry here is listed as undocumented (a test fails).
 */
export interface RouteDoc {
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** The documented path when the route's own differs (the alarm actions' wildcard). */
  readonly path?: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** Status → what it means; the error answers share the `Error` schema. */
  readonly responses: Readonly<Record<number, string>>;
}

export type RouteDocs = Readonly<Record<string, RouteDoc>>;

const BAD = 'HG_ERR_API_BAD_REQUEST: a query, path or body the route does not take';
const OK_JSON = 'JSON (see the description and README, HTTP API)';

const actionParams = z
  .object({
    conditionId: z.string().min(1).describe('the alarm condition, `<ruleId>/<pointId>` (slashes allowed)'),
    action: z.enum([...OPERATOR_ACTIONS, 'ack']).describe('the operator action; `ack` is `acknowledge`'),
  })
  .strict();

/** Routes a gateway and a centre share: probes, metrics, the console's files, the session. */
const commonDocs: RouteDocs = {
  'GET /healthz': { summary: 'Liveness probe', description: 'Open. `{ "status": "alive" }` while the process answers.', tags: ['health'], responses: { 200: 'alive' } },
  'GET /readyz': { summary: 'Readiness probe', description: "Open. `{ ready, components }`: each component's state and reason.", tags: ['health'], responses: { 200: 'every component up or degraded', 503: 'a component is down or starting' } },
  'GET /metrics': { summary: 'Prometheus metrics', description: 'Prometheus text format; `Authorization: Bearer <server.metricsToken>` when one is set. Names and labels: README, Metrics.', tags: ['health'], responses: { 200: 'text/plain; version=0.0.4', 401: 'the metrics token is missing or wrong' } },
  'GET /': { summary: 'The supervisor console', description: 'Open: the page loads before the login; everything it shows needs one (docs/console.md).', tags: ['console'], responses: { 200: 'text/html', 304: 'unchanged (ETag)', 503: 'the console is not built' } },
  'GET /index.html': { summary: 'The supervisor console (same as /)', tags: ['console'], responses: { 200: 'text/html', 304: 'unchanged (ETag)', 503: 'the console is not built' } },
  'GET /assets/:file': { summary: "The console's hashed files", description: 'Open; cached for a year (`immutable`), gzip when accepted.', tags: ['console'], params: consoleRequestSchemas.fileParams, responses: { 200: 'the file', 304: 'unchanged (ETag)', 404: 'HG_ERR_API_NOT_FOUND' } },
  'GET /favicon.svg': { summary: "The console's icon", tags: ['console'], responses: { 200: 'image/svg+xml', 304: 'unchanged (ETag)' } },
  'POST /api/login': {
    summary: 'Log in (console session)',
    description: 'Open. Answers `{ user, roles, scopes, via, csrf, expires }` and sets the `hazgate_session` cookie; send `csrf` back as `X-Hazgate-Csrf` on every change (docs/auth.md).',
    tags: ['session'], body: sessionRequestSchemas.loginBody,
    responses: { 200: 'logged in', 400: BAD, 401: 'HG_ERR_AUTH_FAILED (never saying whether the user exists)', 429: 'HG_ERR_AUTH_LOCKED, with Retry-After' },
  },
  'POST /api/logout': { summary: 'Log out', description: 'Ends the session and clears the cookie: `{ ended }`.', tags: ['session'], body: sessionRequestSchemas.noBody, responses: { 200: '{ ended }', 400: BAD } },
  'GET /api/me': { summary: 'Who the request runs as', description: '`user`, `roles`, `scopes`, `via`, and for a session its `csrf` and `expires`.', tags: ['session'], responses: { 200: OK_JSON } },
  'GET /api/openapi.json': { summary: 'This document', description: 'The OpenAPI 3.1 description of this server (docs/api).', tags: ['docs'], responses: { 200: 'OpenAPI 3.1 JSON' } },
};

export const gatewayRouteDocs: RouteDocs = {
  ...commonDocs,
  'GET /api/config': { summary: 'The running configuration', description: 'Its file, digest and when it was loaded (docs/reload.md).', tags: ['config'], responses: { 200: OK_JSON, 403: 'HG_ERR_AUTH_FORBIDDEN', 500: 'HG_ERR_CONFIG_RELOAD: this server has no configuration to reload' } },
  'POST /api/config/reload': {
    summary: 'Reload the site file',
    description: 'Body `{}` applies the site file again (changed adapters, points and rules; alarm state kept), `{ "dryRun": true }` answers the plan only. Audited (docs/reload.md).',
    tags: ['config'],
    responses: { 200: '{ applied, dryRun, plan, digest, previousDigest }', 400: BAD, 403: 'HG_ERR_AUTH_FORBIDDEN', 409: 'another reload runs', 422: 'the file is invalid or needs a restart: the full report; nothing changed', 500: 'HG_ERR_CONFIG_RELOAD: this server has no configuration to reload' },
  },
  'GET /api/site': { summary: 'The site', description: '`{ siteId, version, serverTime }`.', tags: ['site'], responses: { 200: OK_JSON, 403: 'the site is not among the user\'s sites' } },
  'GET /api/points': { summary: 'Configured points', description: 'Each with `latest` (the last sample or null), within the user\'s areas.', tags: ['points'], query: pointRequestSchemas.listQuery, responses: { 200: OK_JSON, 400: BAD } },
  'GET /api/points/:id': { summary: 'One point with its latest sample', tags: ['points'], params: pointRequestSchemas.pointParams, responses: { 200: OK_JSON, 404: 'HG_ERR_API_NOT_FOUND (also outside the user\'s areas)' } },
  'GET /api/points/:id/history': {
    summary: "A point's samples",
    description: 'Samples in [from, to] (epoch ms or ISO 8601; default the last hour). `format=columns` gives parallel arrays `ts` and `value` with sparse `quality` and `reasons`.',
    tags: ['points'], params: pointRequestSchemas.pointParams, query: pointRequestSchemas.historyQuery, responses: { 200: OK_JSON, 400: BAD, 404: 'HG_ERR_API_NOT_FOUND' },
  },
  'GET /api/alarms': { summary: 'Retained alarm conditions', description: 'Conditions not normal, most urgent first (alarm transition fields: README, HTTP API).', tags: ['alarms'], query: alarmRequestSchemas.listQuery, responses: { 200: OK_JSON, 400: BAD } },
  'GET /api/alarms/history': { summary: 'Journal transitions, newest first', tags: ['alarms'], query: alarmRequestSchemas.historyQuery, responses: { 200: OK_JSON, 400: BAD } },
  'GET /api/alarms/kpis': { summary: 'Alarm-system KPIs (EEMUA 191)', description: 'Per operator position: rates, peak 10-min count, time in flood; bad actors, chattering, standing, priority distribution, `floodNow`. Site-wide: needs every area.', tags: ['alarms'], query: alarmRequestSchemas.kpiQuery, responses: { 200: OK_JSON, 400: BAD, 403: 'HG_ERR_AUTH_FORBIDDEN' } },
  'POST /api/alarms/*': {
    summary: 'An operator action on an alarm condition',
    description: 'acknowledge (or ack), confirm, comment, shelve, unshelve, out-of-service, in-service, reset; journaled with the logged-in user. What each needs and its refusals: README, Operator actions. Permission per action (docs/auth.md).',
    tags: ['alarms'], path: '/api/alarms/{conditionId}/{action}', params: actionParams, body: alarmRequestSchemas.actionBody,
    responses: { 200: 'the new transition', 400: `${BAD}; HG_ERR_ALARM_SHELVE_TOO_LONG`, 403: 'HG_ERR_AUTH_FORBIDDEN, HG_ERR_ALARM_NOT_SHELVABLE', 404: 'HG_ERR_ALARM_UNKNOWN_CONDITION', 409: 'HG_ERR_ALARM_STALE_EVENT and the other refusals', 503: 'the journal was not written (nothing changed)' },
  },
  'GET /api/bypasses': { summary: 'The interlock bypass register (联锁摘除登记)', tags: ['bypasses'], query: bypassRequestSchemas.listQuery, responses: { 200: OK_JSON, 400: BAD } },
  'POST /api/bypasses': {
    summary: 'Register an interlock bypass',
    description: 'Needs `bypass.write` (an engineer). hazgate records bypasses; the SIS itself is bypassed and restored at the SIS.',
    tags: ['bypasses'], body: bypassRequestSchemas.registerBody,
    responses: { 201: 'the register entry', 400: `${BAD}; approver = who, or a planned end not after the start and now`, 404: 'unknown interlock', 409: 'a bypass of the interlock is active already' },
  },
  'POST /api/bypasses/:id/end': { summary: 'End a bypass', description: 'Needs `bypass.write`: the interlock is back in service.', tags: ['bypasses'], params: bypassRequestSchemas.endParams, body: bypassRequestSchemas.endBody, responses: { 200: 'the ended entry', 400: BAD, 404: 'unknown bypass', 409: 'ended already' } },
  'GET /api/interlocks/in-service': { summary: 'Interlock in-service rate (联锁投用率)', description: 'Per unit and CST day, default the last 7 days.', tags: ['bypasses'], query: bypassRequestSchemas.rateQuery, responses: { 200: OK_JSON, 400: BAD, 403: 'HG_ERR_AUTH_FORBIDDEN' } },
  'GET /api/people/zones': { summary: 'Headcount per zone', description: 'With the limit in force now, and the total. Site-wide.', tags: ['people'], responses: { 200: OK_JSON, 403: 'HG_ERR_AUTH_FORBIDDEN', 404: 'the site has no people section' } },
  'GET /api/people/zones/:id': { summary: 'A zone and the people in it (the evacuation list)', tags: ['people'], params: peopleRequestSchemas.zoneParams, responses: { 200: OK_JSON, 404: 'unknown zone' } },
  'GET /api/people/tags/:tagId/track': { summary: "A tag's positions", description: 'Kept when it moved 1 m or every 30 s, in memory since start; default the last hour.', tags: ['people'], params: peopleRequestSchemas.tagParams, query: peopleRequestSchemas.trackQuery, responses: { 200: OK_JSON, 400: BAD, 404: 'unknown tag' } },
};

export const centreRouteDocs: RouteDocs = {
  ...commonDocs,
  'GET /api/centre': { summary: 'The centre', description: '`{ centreId, version, serverTime }`.', tags: ['centre'], responses: { 200: OK_JSON } },
  'GET /api/sites': { summary: 'Every site: sequence, gaps, chain verdict, last status, alarms', tags: ['centre'], query: centreRequestSchemas.siteQuery, responses: { 200: OK_JSON, 400: BAD } },
  'GET /api/alarms': { summary: "The sites' current alarms", tags: ['centre'], query: centreRequestSchemas.siteQuery, responses: { 200: OK_JSON, 400: BAD } },
  'GET /api/alarms/history': { summary: "The sites' journal records, newest first", tags: ['centre'], query: centreRequestSchemas.historyQuery, responses: { 200: OK_JSON, 400: BAD } },
  'GET /api/points/values': { summary: "The sites' latest indicator values", tags: ['centre'], query: centreRequestSchemas.valuesQuery, responses: { 200: OK_JSON, 400: BAD } },
  'POST /api/feed': {
    summary: "A gateway's feed batch",
    description: 'Signed, not logged in: `X-Hazgate-Signature` is the HMAC-SHA256 of the exact body with the site\'s key. Answers the ack `{ v, site, upto }`. Format: docs/uplink/README.md.',
    tags: ['feed'],
    responses: { 200: 'the ack', 400: 'HG_ERR_UPLINK_BAD_MESSAGE', 401: 'HG_ERR_CENTRE_UNKNOWN_SITE, HG_ERR_UPLINK_BAD_SIGNATURE', 413: 'larger than server.maxBatchBytes', 503: 'HG_ERR_CENTRE_STORE: nothing was kept, send again' },
  },
};
