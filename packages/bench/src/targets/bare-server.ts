#!/usr/bin/env node
/**
 * Baseline: a bare Fastify route that verifies the same JWT with jose and
 * answers a constant — the floor under which the core's own overhead shows as
 * a ratio. Listens on $PORT.
 */
import Fastify from 'fastify';
import { importSPKI, jwtVerify } from 'jose';

const key = await importSPKI(process.env.WIX_PUBLIC_KEYS ?? '', 'RS256');
const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.post('/*', async (request, reply) => {
  try {
    await jwtVerify(String(request.body), key, { issuer: 'wix.com', algorithms: ['RS256'] });
    return { ok: true };
  } catch {
    return reply.code(401).send({ errorCode: 'UNAUTHORIZED' });
  }
});
const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`LISTENING ${url}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
