import { InvalidArgumentError, type Command } from 'commander';
import type { RecommendationRecord, RecommendationStatus } from '../../index.js';
import { withStore, type DatabaseChoice } from '../database.js';
import type { CliIo } from '../io.js';
import {
  addDatabaseOptions,
  addJsonOption,
  examples,
  wholeNumber,
  withGroupOptions,
} from '../options.js';
import { printJson, printTable, timestamp, truncate } from '../output.js';

const STATUSES = ['open', 'accepted', 'dismissed', 'expired', 'all'] as const;
type StatusChoice = (typeof STATUSES)[number];

function parseStatus(raw: string): StatusChoice {
  if (!(STATUSES as readonly string[]).includes(raw))
    throw new InvalidArgumentError(`expected one of ${STATUSES.join(', ')}; got "${raw}"`);
  return raw as StatusChoice;
}

function evidenceLine(record: RecommendationRecord): string {
  const e = record.evidence;
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return JSON.stringify(e);
  return Object.entries(e)
    .filter(([, v]) => typeof v !== 'object' || v === null || Array.isArray(v))
    .map(
      ([k, v]) =>
        `${k}=${Array.isArray(v) ? v.map((x) => (typeof x === 'number' ? x.toFixed(3) : String(x))).join('..') : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v)}`,
    )
    .join(' ');
}

function printRecord(io: CliIo, record: RecommendationRecord, verb: string): void {
  io.out(`recommendation #${record.id} (${record.action} ${record.toolName}) ${verb}`);
}

/** `recommendations [--status]`, `recommendations accept <id>`, `recommendations dismiss <id>`. */
export function registerRecommendationsCommands(program: Command, io: CliIo): void {
  const group = program
    .command('recommendations')
    .description(
      'lifecycle recommendations from the weekly job (archive, deprecate, promote, watch)',
    )
    .option(
      '--status <status>',
      `which ones: ${STATUSES.join(', ')}`,
      parseStatus,
      'open' as StatusChoice,
    )
    .option('--tool <name>', 'only this tool')
    .option('--limit <n>', 'at most this many', wholeNumber(1, 10_000), 100);
  addJsonOption(addDatabaseOptions(group));
  examples(group, [
    'dendrite-history recommendations',
    'dendrite-history recommendations --status all --json',
    'dendrite-history recommendations accept 12',
    'dendrite-history recommendations dismiss 13',
  ]);
  group.action(
    async (
      opts: DatabaseChoice & { status: StatusChoice; tool?: string; limit: number; json?: boolean },
    ) => {
      await withStore(io, opts, async (store) => {
        const records = await store.listRecommendations({
          ...(opts.status === 'all' ? {} : { status: opts.status as RecommendationStatus }),
          ...(opts.tool === undefined ? {} : { toolName: opts.tool }),
          limit: opts.limit,
        });
        if (opts.json) return printJson(io, records);
        printTable(
          io,
          [
            { header: 'id', align: 'right' },
            { header: 'action' },
            { header: 'tool' },
            { header: 'status' },
            { header: 'updated' },
            { header: 'reason' },
            { header: 'evidence' },
          ],
          records.map((r) => [
            r.id,
            r.action,
            r.toolName,
            r.status,
            timestamp(r.updatedAt),
            truncate(r.reason, 70),
            truncate(evidenceLine(r), 60),
          ]),
        );
      });
    },
  );

  for (const [name, verb, description] of [
    ['accept', 'accepted', 'mark an open recommendation accepted (you applied it)'],
    ['dismiss', 'dismissed', 'mark an open recommendation dismissed'],
  ] as const) {
    const command = group
      .command(name)
      .description(description)
      .argument(
        '<id>',
        'the id shown by `dendrite-history recommendations`',
        wholeNumber(1, Number.MAX_SAFE_INTEGER),
      );
    addJsonOption(addDatabaseOptions(command));
    examples(command, [`dendrite-history recommendations ${name} 12`]);
    command.action(async (id: number, own: DatabaseChoice & { json?: boolean }) => {
      const opts = withGroupOptions(command, own);
      await withStore(io, opts, async (store) => {
        const record =
          name === 'accept'
            ? await store.acceptRecommendation(id)
            : await store.dismissRecommendation(id);
        if (opts.json) return printJson(io, record);
        printRecord(io, record, verb);
      });
    });
  }
}
