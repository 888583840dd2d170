/**
 * Open311 GeoReport v2 under /open311/v2/: discovery, services, service definitions, POST and GET
 * requests, tokens — JSON and XML by suffix, errors as the spec's error arrays (400/403/404).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { Open311FileParams, Open311Responses } from './channels.schemas.js';
import { CONTENT_TYPES, type Format, readForm, splitFormat, toError, toXml } from './open311.js';
import { OPEN311_BASE, Open311Error, type Open311Service } from './open311.service.js';

type Root = 'services' | 'service_requests' | 'errors' | 'discovery' | 'service_definition';

function send(reply: FastifyReply, format: Format, root: Root, body: object, status = 200) {
  reply.status(status).type(CONTENT_TYPES[format]);
  const xml = toXml as (root: Root, body: object) => string;
  return reply.send(format === 'json' ? JSON.stringify(body) : xml(root, body));
}

function sendError(reply: FastifyReply, format: Format, status: number, description: string) {
  return send(reply, format, 'errors', [toError(status, description)], status);
}

/** Any failure as the spec's error array, in the requested format (JSON when the file names none). */
function sendFailure(req: FastifyRequest, reply: FastifyReply, err: unknown) {
  const format = splitFormat((req.params as { file?: string }).file ?? '')?.format ?? 'json';
  if (err instanceof Open311Error) return sendError(reply, format, err.status, err.message);
  const status = err instanceof DomainError ? err.status : (err as { statusCode?: number }).statusCode;
  if (status !== undefined && status < 500) {
    const message = err instanceof Error ? err.message : 'invalid request';
    return sendError(reply, format, status === 403 || status === 404 ? status : 400, message);
  }
  req.log.error({ err }, 'open311 failed');
  return sendError(reply, format, 500, 'internal error; it has been logged');
}

/** Runs a handler, turning every failure into the spec's error array in the requested format. */
function open311(
  handler: (req: FastifyRequest, reply: FastifyReply, format: Format, name: string) => Promise<unknown>,
) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const file = (req.params as { file: string }).file;
    const parsed = splitFormat(file);
    if (!parsed) return sendError(reply, 'json', 404, `${file}: add .json or .xml`);
    try {
      return await handler(req, reply, parsed.format, parsed.name);
    } catch (err) {
      return sendFailure(req, reply, err);
    }
  };
}

export function registerOpen311Routes(app: App, open311Service: Open311Service): void {
  const base = OPEN311_BASE;
  const config = { access: 'public' as const };
  // Hidden from the OpenAPI description (the GeoReport spec describes them); the answer is a document.
  const schema = { hide: true, params: Open311FileParams, response: Open311Responses };
  const query = (req: FastifyRequest) => req.query as Record<string, string | undefined>;

  app.register(async (scope) => {
    // What fails before a handler runs (the edge's checks of text and query parameters) answers in
    // the spec's format too.
    scope.setErrorHandler((err, req, reply) => sendFailure(req, reply, err));
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, body, done) => {
        done(null, new URLSearchParams(String(body)));
      },
    );

    // discovery, services list, requests list: public lists polled by other systems, which may be up to
    // 30 s old (a read replica answers); one request by id or token, and every POST, use the primary.
    scope.get(
      `${base}/:file`,
      { config: { ...config, staleness: 30 }, schema },
      open311(async (req, reply, format, name) => {
        if (name === 'discovery') return send(reply, format, 'discovery', open311Service.discovery());
        if (name === 'services')
          return send(reply, format, 'services', await open311Service.services(query(req).jurisdiction_id));
        if (name === 'requests')
          return send(reply, format, 'service_requests', await open311Service.requests(query(req)));
        throw new Open311Error(404, `no resource ${name}`);
      }),
    );
    scope.get(
      `${base}/services/:file`,
      { config, schema },
      open311(async (req, reply, format, code) =>
        send(
          reply,
          format,
          'service_definition',
          await open311Service.serviceDefinition(code, query(req).jurisdiction_id),
        ),
      ),
    );
    scope.get(
      `${base}/requests/:file`,
      { config, schema },
      open311(async (req, reply, format, id) =>
        send(reply, format, 'service_requests', await open311Service.request(id, query(req).jurisdiction_id)),
      ),
    );
    scope.get(
      `${base}/tokens/:file`,
      { config, schema },
      open311(async (_req, reply, format, token) =>
        send(reply, format, 'service_requests', await open311Service.token(token)),
      ),
    );
    scope.post(
      `${base}/:file`,
      { config, schema },
      open311(async (req, reply, format, name) => {
        if (name !== 'requests') throw new Open311Error(404, `no resource ${name}`);
        if (!(req.body instanceof URLSearchParams)) {
          throw new Open311Error(400, 'send the request as application/x-www-form-urlencoded');
        }
        return send(reply, format, 'service_requests', await open311Service.submit(readForm(req.body)));
      }),
    );
  });
}
