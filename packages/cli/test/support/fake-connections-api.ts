/**
 * A local fake of Wix's External Database Connections REST API
 * (docs/connections.md §1, §2, §8) on a real node:http port. It keeps
 * connections in memory, answers like the spec's examples, records every
 * request exactly as it arrived (method, path with query, headers, raw body)
 * for the tests to assert, and answers errors in Wix's API error shape.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface StoredConnection {
  name: string;
  endpoint?: string;
  configuration?: Record<string, unknown>;
  connectionStatus: { successful: boolean; causeOfFailure: string; hasCollections: string };
  publicKey: string;
  capabilities: { collectionModificationsSupported: boolean; fieldTypes: string[] };
}

export interface FakeOptions {
  readonly apiKey: string;
  readonly siteId: string;
  /** What Wix reports after an update with an endpoint (default: connected, has collections). */
  statusAfterUpdate?: StoredConnection['connectionStatus'];
  /** The publicKey Wix issues on create (default: a fresh EC P-256 key as bare base64 DER). */
  publicKey?: string;
  /** Answer the next request with this instead (status + raw body). */
  next?: { status: number; body: string };
}

export const PATH = '/wix-data/v1/external-database-connections';

export function ecPublicKeyBase64(): string {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** Wix's API error body: message + details.applicationError { code, description, data }. */
export function wixError(code: string, description: string): string {
  return JSON.stringify({ message: description, details: { applicationError: { code, description, data: {} } } });
}

export async function startFakeConnectionsApi(options: FakeOptions) {
  const requests: RecordedRequest[] = [];
  const connections = new Map<string, StoredConnection>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const answer = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(typeof json === 'string' ? json : JSON.stringify(json));
      };
      if (options.next) {
        const { status, body: raw } = options.next;
        options.next = undefined;
        return answer(status, raw);
      }
      if (req.headers.authorization !== options.apiKey) {
        return answer(401, wixError('UNAUTHENTICATED', 'Invalid or missing authorization'));
      }
      if (req.headers['wix-site-id'] !== options.siteId) {
        return answer(403, wixError('PERMISSION_DENIED', 'The API key may not access this site'));
      }
      const url = new URL(req.url ?? '/', 'http://fake');
      const name = decodeURIComponent(url.pathname.slice(PATH.length + 1));
      const parsed = body === '' ? undefined : (JSON.parse(body) as Record<string, Record<string, unknown>>);

      if (req.method === 'POST' && url.pathname === PATH) {
        const input = parsed!.externalDatabaseConnection!;
        const id = input.name as string;
        if (connections.has(id)) return answer(409, wixError('ALREADY_EXISTS', `Connection ${id} already exists`));
        if ((parsed as Record<string, unknown>).connectionType === 'STANDALONE') {
          // §4.1: a legacy connection has its endpoint and configuration from the start, no publicKey.
          const legacy: StoredConnection = {
            name: id,
            endpoint: input.endpoint as string,
            configuration: input.configuration as Record<string, unknown>,
            connectionStatus: options.statusAfterUpdate ?? {
              successful: true,
              causeOfFailure: 'NONE',
              hasCollections: 'YES',
            },
          } as StoredConnection;
          connections.set(id, legacy);
          return answer(200, { externalDatabaseConnection: legacy });
        }
        // §8 "Answer right after create".
        const created: StoredConnection = {
          name: id,
          ...(input.configuration ? { configuration: input.configuration as Record<string, unknown> } : {}),
          connectionStatus: {
            successful: false,
            causeOfFailure: 'DESTINATION_ENDPOINT_NOT_DEFINED',
            hasCollections: 'UNKNOWN',
          },
          publicKey: options.publicKey ?? ecPublicKeyBase64(),
          capabilities: { collectionModificationsSupported: false, fieldTypes: [] },
        };
        connections.set(id, created);
        return answer(200, { externalDatabaseConnection: created });
      }
      if (req.method === 'GET' && url.pathname === PATH) {
        const all = [...connections.values()];
        const offset = Number(url.searchParams.get('paging.offset') ?? 0);
        const limit = Number(url.searchParams.get('paging.limit') ?? 50);
        const page = all.slice(offset, offset + limit);
        return answer(200, {
          externalDatabaseConnections: page,
          pagingMetadata: { count: page.length, offset, total: all.length, tooManyToCount: false },
        });
      }
      const existing = connections.get(name);
      if (!existing) return answer(404, wixError('NOT_FOUND', `External database connection ${name} not found`));
      if (req.method === 'GET') return answer(200, { externalDatabaseConnection: existing });
      if (req.method === 'PUT') {
        // §1 Update: full replacement of the writable fields.
        const input = parsed!.externalDatabaseConnection!;
        const updated: StoredConnection = {
          ...existing,
          endpoint: input.endpoint as string | undefined,
          configuration: input.configuration as Record<string, unknown> | undefined,
        };
        if (updated.endpoint === undefined) delete updated.endpoint;
        if (updated.configuration === undefined) delete updated.configuration;
        updated.connectionStatus = updated.endpoint
          ? (options.statusAfterUpdate ?? { successful: true, causeOfFailure: 'NONE', hasCollections: 'YES' })
          : existing.connectionStatus;
        connections.set(name, updated);
        return answer(200, { externalDatabaseConnection: updated });
      }
      if (req.method === 'DELETE') {
        connections.delete(name);
        return answer(200, {});
      }
      return answer(405, wixError('METHOD_NOT_ALLOWED', 'no such route'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections,
    options,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
