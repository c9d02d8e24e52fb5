// @adaptors/core/server — the HTTP server of the core: the Fastify app over an adaptor, and
// listening on a port. Apart from the package's index so that a service's bundle loads Fastify
// (most of the core's code) only when runService builds the server, after the storage has started
// what it reads ahead (start.ts); tests and tools that build an app import it from here.
export { type BuildOptions, build } from './app.ts';
export { type ServeOptions, serve } from './serve.ts';
