#!/usr/bin/env node
import { processIo } from './io.js';
import { runCli } from './run.js';

const code = await runCli(process.argv.slice(2), processIo());
// Exit explicitly: a dependency's exit hook would otherwise end the process with code 0.
process.exit(code);
