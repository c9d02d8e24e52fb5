/**
 * Listening on Cloud Run: `0.0.0.0:$PORT`, and on SIGTERM answer what is already
 * on its way (DRAIN_LINGER_MS), stop accepting, drain in-flight calls, close the
 * storage, exit — within the grace period
 * Cloud Run allows (docs/engines.md §5: ~10 s; we default to 8 s).
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from './log.ts';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly graceSeconds: number;
  readonly logger: Logger;
}

/** How long after SIGTERM the port still reads calls already sent on open connections, before closing. */
export const DRAIN_LINGER_MS = 500;

export async function serve(app: FastifyInstance, options: ServeOptions): Promise<string> {
  // Fastify writes no line of its own for the addresses (app.ts gives it no server-wide logger):
  // runService writes one startup line with more in it.
  const address = await app.listen({ port: options.port, host: options.host });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    options.logger.log('NOTICE', `received ${signal}: draining and closing`);
    const force = setTimeout(() => {
      options.logger.log('WARNING', 'grace period over: exiting with calls still open');
      process.exit(1);
    }, options.graceSeconds * 1000);
    force.unref();
    // Calls already on their way when the signal came (sent on a kept-alive connection, not yet
    // read) are answered: Node's close() drops idle connections at once, which reset them. Cloud
    // Run routes no new call after SIGTERM, so the linger only lets those arrive (DRAIN_LINGER_MS).
    setTimeout(() => {
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          options.logger.log('ERROR', 'error while closing', { err: error });
          process.exit(1);
        },
      );
    }, DRAIN_LINGER_MS);
  };
  // A client library's background work can reject where no call awaits it
  // (google-gax retrying after close, a call abandoned at its deadline):
  // log it and keep serving, instead of Node's default of ending the process
  // and every call in flight with it. Every route's own failures are answered
  // as SPI errors before they get here (app.ts, deadline.ts).
  process.on('unhandledRejection', (reason) => {
    options.logger.log('ERROR', 'unhandled rejection in background work; still serving', { err: reason });
  });
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return address;
}
