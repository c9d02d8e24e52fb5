// @adaptors/cli — the `adaptors` command as a library (the bin is cli.ts).

export { type Command, HELP, run } from './cli.ts';
export type { FetchLike, HttpRequest, HttpResponse } from './http.ts';
export { CommandError, EXIT, type Io, processIo, type SecretWriter, UsageError } from './output.ts';
export {
  CONNECTION_TYPE,
  CONNECTIONS_PATH,
  type Connection,
  type ConnectionInput,
  type ConnectionList,
  type ConnectionsClient,
  type ConnectionsClientOptions,
  type ConnectionUpdate,
  createConnectionsClient,
  DEFAULT_API_BASE,
  WixApiError,
} from './wix-connections.ts';
