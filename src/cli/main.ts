#!/usr/bin/env node
import { flushed, processIo } from './io.js';
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
// Every store, pool and embedded server is closed by now, so the process ends by itself once the
// output has drained; process.exit() here would cut what a slow reader has not taken yet.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
// A handle something else left open (a library's stray socket) must not keep a finished command
// alive: the output has drained, so a hard exit can no longer cut it.
setTimeout(() => process.exit(), 2_000).unref();
