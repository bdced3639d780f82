import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError, serveUi, type UiServer } from '../../index.js';
import { withStore, type DatabaseChoice } from '../database.js';
import type { CliIo } from '../io.js';
import { addDatabaseOptions, examples, wholeNumber } from '../options.js';

interface ServeOptions extends DatabaseChoice {
  port: number;
  host: string;
  authToken?: string;
}

function parseToken(raw: string): string {
  if (raw.length < 16) throw new InvalidArgumentError('the token must be at least 16 characters');
  return raw;
}

/** `serve`: the web UI over the history until SIGINT/SIGTERM. */
export function registerServeCommand(program: Command, io: CliIo): void {
  const command = program
    .command('serve')
    .description('browse executions, tools, recommendations and jobs in a web UI (until Ctrl-C)')
    .option('--port <n>', 'TCP port (0 picks a free one)', wholeNumber(0, 65_535), 4680)
    .option(
      '--host <address>',
      'address to bind; beyond loopback an access token is required',
      '127.0.0.1',
    )
    .option(
      '--auth-token <token>',
      'access token (default: DENDRITE_UI_TOKEN); 16+ characters',
      parseToken,
    );
  addDatabaseOptions(command);
  examples(command, [
    'dendrite-history serve --embedded            # the demo data, at http://127.0.0.1:4680/',
    'dendrite-history serve --port 8080',
    'DENDRITE_UI_TOKEN=$(openssl rand -hex 16) dendrite-history serve --host 0.0.0.0',
  ]);
  command.action(async (opts: ServeOptions) => {
    await withStore(io, opts, async (store) => {
      await serveAndWait(io, store, opts);
    });
  });
}

/** Serves until the user stops the process; used by `serve` and by the demo on a terminal. */
export async function serveAndWait(
  io: CliIo,
  store: Parameters<typeof serveUi>[0]['store'],
  opts: { port: number; host: string; authToken?: string | undefined; anyPortIfBusy?: boolean },
): Promise<void> {
  const shutdown = io.waitForShutdown();
  const token = opts.authToken ?? (io.env.DENDRITE_UI_TOKEN || undefined);
  const start = (port: number): Promise<UiServer> =>
    serveUi({
      store,
      port,
      host: opts.host,
      ...(token === undefined ? {} : { authToken: token }),
      onError: (error) => io.err(`serve: ${error.message}`),
    });
  // The demo takes any free port when the usual one is taken; `serve --port` means that port.
  const server = await start(opts.port).catch(async (error: unknown) => {
    if (opts.anyPortIfBusy && error instanceof ConfigError) return await start(0);
    throw error;
  });
  io.out(
    `web UI on ${server.url} (${store.describe()})${token === undefined ? '' : ' · sign in with the access token'}`,
  );
  io.out('Ctrl-C (SIGINT) or SIGTERM stops it.');
  const signal = await shutdown;
  io.out(`${signal}: stopping the web UI…`);
  await server.close();
}
