import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { ConfigError, ValidationError } from '../errors.js';
import type { ExecutionStore } from '../store/execution-store.js';
import { createUiApp } from './app.js';
import { storeData } from './data.js';
import { isLoopbackHost } from './security.js';
import { isStore } from '../schema/ports.js';

export interface ServeUiOptions {
  /** An open store; the UI reads through its read pool and never closes it. */
  store: ExecutionStore;
  /** TCP port. Default 4680; 0 picks a free one (see `url`). */
  port?: number;
  /** Address to bind. Default 127.0.0.1. Anything but loopback requires `authToken`. */
  host?: string;
  /**
   * Access token. Default `DENDRITE_UI_TOKEN` from the environment, else none. Required when
   * `host` is not loopback; when set, every request must carry it (bearer header or the cookie
   * /login sets).
   */
  authToken?: string;
  /** Server-side faults (failed queries, failed background job runs). Default: written to stderr. */
  onError?: (error: Error) => void;
}

export interface UiServer {
  /** http://host:port/ as bound (the real port when 0 was asked for). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Stops accepting, ends open connections, waits for "run now" jobs (bounded). Idempotent. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/** The token to use: the option, else the environment; empty strings count as none. */
function resolveToken(option: string | undefined): string | undefined {
  const token = option ?? process.env.DENDRITE_UI_TOKEN;
  if (token === undefined || token === '') return undefined;
  if (token.length < 16)
    throw new ValidationError('the UI access token must be at least 16 characters', 'authToken');
  return token;
}

/**
 * Serves the web UI (`dendrite-history serve`) over an open store until `close()`. Binds loopback
 * unless told otherwise; any other address needs an access token.
 */
export async function serveUi(options: ServeUiOptions): Promise<UiServer> {
  if (!isStore((options as Partial<ServeUiOptions> | undefined)?.store))
    throw new ValidationError('serveUi needs { store: ExecutionStore }', 'store');
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4680;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new ValidationError(
      `port must be a whole number from 0 to 65535, got ${String(port)}`,
      'port',
    );
  const authToken = resolveToken(options.authToken);
  const loopback = isLoopbackHost(host);
  if (!loopback && authToken === undefined)
    throw new ConfigError(
      `serving on ${host} (beyond this machine) needs an access token: pass --auth-token or set DENDRITE_UI_TOKEN (16+ characters)`,
    );
  const onError =
    options.onError ??
    ((error: Error) => void process.stderr.write(`dendrite-history serve: ${error.message}\n`));
  const { app, jobs } = createUiApp({
    data: storeData(options.store),
    database: options.store.describe(),
    authToken,
    loopbackOnly: loopback,
    onError,
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL'
          ? new ConfigError(
              `cannot listen on ${host}:${port} (${error.code}); choose another --port or --host`,
            )
          : error,
      );
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${address.port}/`,
    port: address.port,
    host,
    close(closeOptions = {}) {
      closing ??= (async () => {
        const timeoutMs = closeOptions.timeoutMs ?? 5_000;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await Promise.all([stopped, jobs.close(timeoutMs)]);
      })();
      return closing;
    },
  };
}
