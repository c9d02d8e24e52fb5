/**
 * The status page as HTML: one server-rendered document, no script, no
 * external asset (it must work on a locked-down network and cannot leak a
 * visitor to a third party). Every value is escaped.
 */
import type { SelfTestReport } from '../self-test.ts';
import type { DetailedStatus, ServiceStatus } from './status.ts';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => escapes[c] as string);

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
.ok{color:#0a7d28;font-weight:600}.bad{color:#b3261e;font-weight:600}.note{color:#555}
code{background:#f3f3f3;padding:0 .2rem}form{margin-top:1rem}`;

export interface PageExtras {
  /** The report of the self-test button (or why it did not run), shown first. */
  readonly selfTest?: SelfTestReport | { readonly error: string };
  /** Why a token that was sent shows nothing more (status.ts `refusedTokenMessage`), shown first. */
  readonly refused?: string;
}

/** Values shown as code, comma-separated (audiences, site ids). */
const codes = (values: readonly string[]): string => values.map((v) => `<code>${esc(v)}</code>`).join(', ');
const rows = (pairs: [string, string][]) =>
  `<table>${pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>`;

export function renderStatusPage(status: ServiceStatus, extras: PageExtras = {}): string {
  const db = status.database.reachable
    ? '<span class="ok">reachable</span>'
    : `<span class="bad">not reachable</span>: ${esc(status.database.error ?? 'no answer')}`;
  const parts: string[] = [
    `<h1>wix-gcp-adaptors · ${esc(status.engine)} <span class="note">${esc(status.version)}</span></h1>`,
  ];
  if (extras.refused) parts.push(`<p class="bad" id="token-refused">${esc(extras.refused)}</p>`);
  if (extras.selfTest) parts.push(renderSelfTest(extras.selfTest));
  const release = `${esc(status.version)}${status.commit ? ` (commit <code>${esc(status.commit)}</code>)` : ''}`;
  if (status.details) {
    parts.push(...detailParts(status, db, release));
  } else {
    parts.push(
      rows([
        ['Database', db],
        ['Release', release],
      ]),
    );
    parts.push(`<p class="note">${esc(status.detailsHint)}</p>`);
  }
  if (status.detailsAvailable) {
    // One form, two buttons: the token goes in the body to either action (never in a URL).
    parts.push(
      `<form method="post" action="/status"><label>STATUS_TOKEN <input type="password" name="token" autocomplete="off"></label> ${
        status.details ? '' : '<button type="submit">Show details</button> '
      }<button type="submit" formaction="/status/self-test" id="self-test">Run the self-test</button></form>`,
      '<p class="note">The self-test creates a throwaway collection, writes, reads, updates and removes an item, and deletes the collection (a read-only service is only read).</p>',
    );
  }
  parts.push('<p class="note">The same as JSON: <a href="/status.json"><code>/status.json</code></a>.</p>');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>wix-gcp-adaptors · ${esc(status.engine)}</title><style>${STYLE}</style></head><body>${parts.join('\n')}</body></html>`;
}

function detailParts(status: DetailedStatus, db: string, release: string): string[] {
  const parts: string[] = [
    rows([
      ['Database', db],
      ['Release', release],
      ['Running since', esc(status.startedAt)],
      ['Protocol', 'Wix External Database service plugin, v3 (<code>POST /v3/…</code>)'],
      [
        'Legacy protocol',
        status.legacyMode === 'on'
          ? '<span class="ok">on</span>: STANDALONE connections (<code>POST /provision</code>, <code>/schemas/…</code>, <code>/data/…</code>) with a secret from <code>LEGACY_SECRET_KEYS</code>'
          : 'off: legacy calls get a 404 saying how to turn it on (set <code>LEGACY_SECRET_KEYS</code>)',
      ],
    ]),
    '<h2>Wix keys, audience and sites</h2>',
    rows([
      [
        'Public keys',
        status.keys.length === 0
          ? '<span class="bad">none</span>'
          : status.keys.map((k) => `<code>${esc(k.alg)} ${esc(k.fingerprint)}</code>`).join('<br>'),
      ],
      [
        'Audience (WIX_AUDIENCE)',
        status.audience.configured ? codes(status.audience.configured) : 'not set: any audience is accepted',
      ],
      [
        'Audiences seen',
        status.audience.seen.length === 0 ? '<span class="note">none yet</span>' : codes(status.audience.seen),
      ],
      [
        'Sites (WIX_INSTANCE_IDS)',
        status.instances.configured
          ? codes(status.instances.configured)
          : '<span class="bad">not set</span>: any site whose calls verify with the keys above may call',
      ],
      [
        'Site instances seen',
        status.instances.seen.length === 0
          ? '<span class="note">none yet</span>'
          : status.instances.seen
              .map((id) => {
                const refused = status.instances.configured !== null && !status.instances.configured.includes(id);
                return `<code>${esc(id)}</code>${refused ? ' <span class="bad">(refused: not listed)</span>' : ''}`;
              })
              .join(', '),
      ],
      [
        'Last refused call (401)',
        status.lastUnauthorized
          ? `${esc(status.lastUnauthorized.at)}: ${esc(status.lastUnauthorized.reason)}`
          : '<span class="note">none</span>',
      ],
    ]),
  ];
  if (status.advice.length > 0) {
    parts.push(
      '<h2>Settings to look at</h2>',
      rows(status.advice.map((a): [string, string] => [a.setting, esc(a.message)])),
    );
  }
  const counts = Object.entries(status.errors.byCode);
  parts.push(
    '<h2>Errors since start</h2>',
    counts.length === 0
      ? '<p class="note">None.</p>'
      : rows(counts.map(([code, n]): [string, string] => [code, esc(n)])),
  );
  parts.push('<h2>Collections</h2>');
  const collections = status.collections;
  if (!collections || 'error' in collections) {
    parts.push(`<p class="bad">Could not list them: ${esc(collections?.error ?? 'unknown')}</p>`);
  } else if (collections.length === 0) {
    parts.push('<p class="note">None yet: create a table, or a collection from the Wix CMS.</p>');
  } else {
    parts.push(
      `<table><tr><th>Collection</th><th>Fields</th><th>Operations</th></tr>${collections
        .map(
          (c) =>
            `<tr><td><code>${esc(c.id)}</code></td><td>${esc(c.fields)}</td><td>${esc(c.dataOperations.join(', '))}${
              c.readOnlyReason ? `<br><span class="bad">${esc(c.readOnlyReason)}</span>` : ''
            }</td></tr>`,
        )
        .join('')}</table>`,
    );
  }
  const hints = status.indexes.hints;
  if (hints.length > 0) {
    parts.push(
      '<h2>Indexes the database lacks</h2>',
      `<table><tr><th>Collection</th><th>Index</th><th>State</th><th>Create it</th></tr>${hints
        .map(
          (h) =>
            `<tr><td><code>${esc(h.collectionId)}</code></td><td><code>${esc(h.fields)}</code></td><td>${esc(h.state)} (${esc(h.fallbacks)} scans)${
              h.problem ? `<br><span class="bad">${esc(h.problem)}</span>` : ''
            }</td><td><code>${esc(h.command)}</code></td></tr>`,
        )
        .join('')}</table>`,
    );
  }
  const backfills = status.backfills?.hints ?? [];
  if (backfills.length > 0) {
    parts.push(
      '<h2>Collections to backfill</h2>',
      `<table><tr><th>Collection</th><th>Fields</th><th>Run</th></tr>${backfills
        .map(
          (b) =>
            `<tr><td><code>${esc(b.collectionId)}</code></td><td>${esc(b.fields.join(', '))}</td><td><code>${esc(b.command)}</code></td></tr>`,
        )
        .join('')}</table>`,
    );
  }
  const recent = status.errors.recent;
  parts.push('<h2>Recent errors</h2>');
  parts.push(
    recent.length === 0
      ? '<p class="note">None.</p>'
      : `<table><tr><th>When</th><th>Call</th><th>Error</th></tr>${recent
          .map(
            (e) =>
              `<tr><td>${esc(e.at)}</td><td>${esc(e.operation)}</td><td>${esc(e.status)} <code>${esc(e.code)}</code>: ${esc(e.message)}</td></tr>`,
          )
          .join('')}</table>`,
  );
  return parts;
}

function renderSelfTest(report: SelfTestReport | { readonly error: string }): string {
  if ('error' in report) return `<h2>Self-test</h2><p class="bad" id="self-test-result">${esc(report.error)}</p>`;
  const verdict = report.ok ? '<span class="ok">passed</span>' : '<span class="bad">failed</span>';
  const what =
    report.mode === 'round-trip'
      ? `a round trip on the throwaway collection <code>${esc(report.collectionId ?? '')}</code>`
      : `a read-only check${report.collectionId ? ` on <code>${esc(report.collectionId)}</code>` : ''} (this service takes no schema changes)`;
  return `<h2>Self-test</h2><p id="self-test-result">${verdict}: ${what}.</p><table><tr><th>Step</th><th>Call</th><th>Result</th><th>Time</th></tr>${report.steps
    .map(
      (step) =>
        `<tr><td>${esc(step.step)}</td><td><code>${esc(step.endpoint)}</code></td><td>${
          step.ok ? '<span class="ok">ok</span>' : '<span class="bad">failed</span>'
        } ${step.status === 0 ? 'no answer' : `HTTP ${esc(step.status)}`}${step.message ? `<br>${esc(step.message)}` : ''}</td><td>${esc(step.ms)} ms</td></tr>`,
    )
    .join('')}</table>`;
}
