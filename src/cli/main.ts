#!/usr/bin/env node
import { processIo } from './io.js';
import { runCli } from './run.js';

const code = await runCli(process.argv.slice(2), processIo());
// Exit explicitly with the command's code, whatever handles (timers, sockets) are still open.
process.exit(code);
