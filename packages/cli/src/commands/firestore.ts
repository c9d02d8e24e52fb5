/**
 * `adaptors firestore backfill <collection>`: brings documents written before
 * the storage format, or by other programs, into it (nulls of missing declared
 * fields, case-folded shadows, trigrams: services/firestore/README.md
 * "Storage format"), so Firestore answers sorts, null checks and
 * case-insensitive text on them itself. The work is the service's own module
 * (services/firestore/src/backfill.ts), loaded like `config check`
 * loads settings: the CLI carries no Firestore client.
 */
import { parse } from '../args.ts';
import type { Command } from '../cli.ts';
import { CommandError, EXIT, line, note, printJson, UsageError } from '../output.ts';
import { loadServiceModule } from '../services.ts';

const HELP = `Usage: adaptors firestore backfill <collection> [--project P] [--database D]
                                     [--metadata-collection C] [--restart] [--json]

Adds what the Firestore adaptor's storage format needs to every document of a
collection written before it or by another program: a null for each declared
field the document lacks, and the case-folded copies and trigrams of its text.
Until then the adaptor answers queries on those fields through its bounded scan
(its status page lists the collections that need this).

Resumable: interrupted, it continues after the last page done (--restart starts
over). Idempotent: documents already in the format are not written; running it
again is harmless. Safe beside the running service: a document changed while
the backfill works on it is read again, never overwritten. At the end it counts
the documents holding each field and marks only those fields complete.

The collection must have a definition (saved through the adaptor, e.g. from the
Wix CMS). Credentials: application-default (gcloud auth application-default
login), or FIRESTORE_EMULATOR_HOST for the emulator.

Options:
  --project P               Google Cloud project (default: FIRESTORE_PROJECT,
                            GOOGLE_CLOUD_PROJECT, then the credentials' project)
  --database D              Firestore database id (default: FIRESTORE_DATABASE or (default))
  --metadata-collection C   The adaptor's metadata collection (default:
                            FIRESTORE_METADATA_COLLECTION or _wix_collections)
  --restart                 Ignore the stored checkpoint and go through every document
  --json                    The result as JSON on stdout

Exit codes: 0 done · 1 failed, or some documents still lack a field · 2 usage error

Example:
  adaptors firestore backfill plants --project my-project
`;

interface Progress {
  readonly read: number;
  readonly updated: number;
  readonly total: number;
  readonly resumedAt: number;
}

interface Result extends Progress {
  readonly finished: boolean;
  readonly complete: readonly string[];
  readonly incomplete: readonly string[];
  /** Group statistics count every document (services/firestore/README.md "Group statistics"). */
  readonly statistics?: boolean;
}

type RunBackfill = (
  collectionId: string,
  target: Record<string, unknown> & { onProgress?: (p: Progress) => void },
) => Promise<Result>;

/** `[#########.........] 45% 45,000/100,000 documents · 1,200 written · ETA 1m05s` */
export function progressLine(p: Progress, elapsedMs: number): string {
  const done = p.resumedAt + p.read;
  const total = Math.max(p.total, done);
  const share = total === 0 ? 1 : done / total;
  const width = 24;
  const filled = Math.round(share * width);
  const rate = elapsedMs > 0 ? p.read / elapsedMs : 0;
  const left = total - done;
  const eta = rate > 0 ? duration(left / rate) : left === 0 ? '0s' : '…';
  const n = (x: number) => x.toLocaleString('en-US');
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(share * 100)}% ${n(done)}/${n(total)} documents · ${n(p.updated)} written · ETA ${eta}`;
}

function duration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export const firestoreCommand: Command = {
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      project: { type: 'string' },
      database: { type: 'string' },
      'metadata-collection': { type: 'string' },
      restart: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const [sub, collectionId, ...extra] = positionals;
    if (sub !== 'backfill') {
      throw new UsageError(sub === undefined ? 'missing subcommand: backfill' : `unknown subcommand "${sub}"`);
    }
    if (collectionId === undefined) throw new UsageError('missing <collection>');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);

    const module = await loadServiceModule(io, 'firestore', 'backfill');
    const runBackfill = module.runBackfill as RunBackfill | undefined;
    if (typeof runBackfill !== 'function') throw new CommandError('the firestore service has no runBackfill');
    const projectId = values.project ?? io.env.FIRESTORE_PROJECT ?? io.env.GOOGLE_CLOUD_PROJECT;
    const databaseId = values.database ?? io.env.FIRESTORE_DATABASE;
    const started = performance.now();
    let shown = 0;
    let result: Result;
    try {
      result = await runBackfill(collectionId, {
        ...(projectId ? { projectId } : {}),
        ...(databaseId ? { databaseId } : {}),
        metadataCollection: values['metadata-collection'] ?? io.env.FIRESTORE_METADATA_COLLECTION ?? '_wix_collections',
        restart: values.restart === true,
        onProgress: (p: Progress) => {
          const now = performance.now();
          // At most one line a second (and the last one), so a log stays readable.
          if (now - shown < 1000 && p.resumedAt + p.read < p.total) return;
          shown = now;
          note(io, progressLine(p, now - started));
        },
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new CommandError(`backfill of '${collectionId}' failed: ${message}`);
    }
    if (values.json) printJson(io, result);
    else {
      line(
        io,
        `Backfill of '${collectionId}': ${result.read.toLocaleString('en-US')} documents read, ${result.updated.toLocaleString('en-US')} written${
          result.resumedAt > 0 ? ` (resumed after ${result.resumedAt.toLocaleString('en-US')})` : ''
        }.`,
      );
      line(io, `Complete fields: ${result.complete.join(', ') || '(none)'}`);
      if (result.statistics !== undefined) {
        line(
          io,
          result.statistics
            ? 'Group statistics: built (unfiltered grouped aggregations and distinct values read them).'
            : 'Group statistics: not built yet (documents were written meanwhile); run it again.',
        );
      }
      if (result.incomplete.length > 0) {
        line(
          io,
          `Still missing on some documents (written meanwhile by another program): ${result.incomplete.join(', ')}; run it again.`,
        );
      }
    }
    return result.incomplete.length > 0 ? EXIT.failed : EXIT.ok;
  },
};
