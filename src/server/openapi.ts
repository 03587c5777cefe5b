import swagger, { type FastifyDynamicSwaggerOptions, type SwaggerOptions } from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { noQuery, parseRequest } from './parse.js';
import { centreRouteDocs, gatewayRouteDocs, type RouteDoc, type RouteDocs } from './openapi-routes.js';
import { routesOf, type RouteInfo } from './routes-auth.js';

/**
 * The REST reference as OpenAPI 3.1 (`GET /api/openapi.json`, committed as docs/api/openapi*.json).
 * @fastify/swagger writes the document, but on a fastify instance of its own that holds one empty
 * route per route of the server, carrying the documentation of openapi-routes.ts: the server's own
 * routes get no fastify schema, so nothing about how they validate, answer or fail changes.
 */
export type ApiMode = 'gateway' | 'centre';

export type OpenApiDocument = Readonly<Record<string, unknown>> & { readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>> };

const DOCS: Readonly<Record<ApiMode, RouteDocs>> = { gateway: gatewayRouteDocs, centre: centreRouteDocs };

/** A zod schema as the JSON Schema of what a client sends (transforms and defaults seen from the input side). */
export function inputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', pattern: '^HG_ERR_[A-Z0-9_]+$', description: 'docs/errors.md' }, message: { type: 'string' } },
    },
  },
};

const securitySchemes = {
  bearer: { type: 'http', scheme: 'bearer', description: 'An API token `hg_<id>_<secret>` (hazgate user token) or the identity provider\'s JWT (docs/auth.md).' },
  session: { type: 'apiKey', in: 'cookie', name: 'hazgate_session', description: 'The console session of POST /api/login; a request that changes something also sends X-Hazgate-Csrf.' },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'server.metricsToken, when one is set.' },
  feedSignature: { type: 'apiKey', in: 'header', name: 'X-Hazgate-Signature', description: "HMAC-SHA256 of the exact body with the site's feed key." },
};

function securityOf(access: RouteInfo['access']): readonly Record<string, readonly string[]>[] {
  if (access === 'public') return [];
  if (access === 'metrics') return [{ metricsToken: [] }, {}];
  if (access === 'signed') return [{ feedSignature: [] }];
  return [{ bearer: [] }, { session: [] }];
}

function accessNote(access: RouteInfo['access']): string {
  if (access === 'public' || access === 'signed' || access === 'metrics') return '';
  return access === 'authenticated' ? 'Access: any user.' : `Access: permission \`${access}\` (docs/auth.md).`;
}

function fastifySchemaOf(doc: RouteDoc, info: RouteInfo): Record<string, unknown> {
  const description = [doc.description ?? '', accessNote(info.access)].filter((s) => s !== '').join(' ');
  const response = Object.fromEntries(Object.entries(doc.responses).map(([status, text]) => [status, { description: text }]));
  return {
    summary: doc.summary,
    ...(description === '' ? {} : { description }),
    tags: [...doc.tags],
    security: securityOf(info.access),
    ...(doc.params === undefined ? {} : { params: inputJsonSchema(doc.params) }),
    ...(doc.query === undefined ? {} : { querystring: inputJsonSchema(doc.query) }),
    ...(doc.body === undefined ? {} : { body: inputJsonSchema(doc.body) }),
    response,
  };
}

const UNDOCUMENTED: RouteDoc = { summary: 'Undocumented route', tags: ['undocumented'], responses: { 200: 'undocumented' } };

/** Error answers share the Error schema (swagger leaves a response with only a description without content). */
function withErrorBodies(paths: Record<string, Record<string, { responses?: Record<string, Record<string, unknown>> }>>): void {
  for (const operations of Object.values(paths)) {
    for (const op of Object.values(operations)) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (Number(status) >= 400) response['content'] = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
      }
    }
  }
}

/** The OpenAPI document of a server's routes (`routesOf(app)` after `ready()`). */
export async function buildOpenApiDocument(routes: readonly RouteInfo[], mode: ApiMode, version: string): Promise<OpenApiDocument> {
  const docs = DOCS[mode];
  const writer = Fastify({ logger: false });
  writer.setValidatorCompiler(() => () => true);
  writer.setSerializerCompiler(() => (data) => JSON.stringify(data));
  const options: SwaggerOptions = {
    openapi: {
      openapi: '3.1.0',
      info: { title: `hazgate ${mode} API`, version, description: `The REST API of a hazgate ${mode}. Errors are { "error": { "code", "message" } } (docs/errors.md); the WebSocket: docs/api/asyncapi-ws.yaml.` },
      components: { securitySchemes, schemas: { Error: errorSchema } },
    } as NonNullable<FastifyDynamicSwaggerOptions['openapi']>,
  };
  await writer.register(swagger, options);
  const undocumented: string[] = [];
  for (const info of routes) {
    if (info.method === 'HEAD') continue;
    const key = `${info.method} ${info.url}`;
    const doc = docs[key];
    if (doc === undefined) undocumented.push(key);
    const url = doc?.path?.replace(/\{(\w+)\}/g, ':$1') ?? info.url;
    writer.route({ method: info.method as 'GET', url, schema: fastifySchemaOf(doc ?? UNDOCUMENTED, info), handler: async () => null });
  }
  await writer.ready();
  const document = writer.swagger() as unknown as OpenApiDocument;
  await writer.close();
  withErrorBodies(document.paths as Parameters<typeof withErrorBodies>[0]);
  return undocumented.length === 0 ? document : { ...document, 'x-hazgate-undocumented': undocumented };
}

/** `GET /api/openapi.json`: the document of this server's routes, built at the first request. Needs `read` (docs/auth.md: only probes, metrics and the console's files are open). */
export function registerOpenApi(app: FastifyInstance, opts: { readonly mode: ApiMode; readonly version: string }): void {
  let document: Promise<OpenApiDocument> | null = null;
  app.get('/api/openapi.json', async (req) => {
    parseRequest(noQuery, req.query, 'query');
    document ??= buildOpenApiDocument(routesOf(app), opts.mode, opts.version).catch((e: unknown) => {
      document = null; // the next request tries again
      throw e;
    });
    return document;
  });
}
