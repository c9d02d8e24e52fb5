/**
 * A small Dockerfile reader and a replay of its build on this machine (no Docker
 * engine here): the deploy-folder test runs the Dockerfile's own commands, so a
 * command that breaks in the image breaks the test too.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

export interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  readonly globalArgs: Readonly<Record<string, string>>;
  readonly stages: readonly Stage[];
}

/** Logical lines (continuations joined, comments dropped) → instructions per stage. */
export function parseDockerfile(text: string): Dockerfile {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  const globalArgs: Record<string, string> = {};
  const stages: { name: string; from: string; instructions: Instruction[] }[] = [];
  for (const line of logical) {
    const space = line.indexOf(' ');
    const keyword = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const args = space < 0 ? '' : line.slice(space + 1).trim();
    if (keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!match?.[1]) throw new Error(`cannot read FROM ${args}`);
      stages.push({ from: match[1], name: match[2] ?? String(stages.length), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (keyword !== 'ARG') throw new Error(`${keyword} before the first FROM`);
      const [name, value = ''] = args.split('=');
      globalArgs[name ?? ''] = value;
      continue;
    }
    stage.instructions.push({ keyword, args });
  }
  return { globalArgs, stages };
}

export function stage(dockerfile: Dockerfile, name: string): Stage {
  const found = dockerfile.stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage "${name}" (stages: ${dockerfile.stages.map((s) => s.name).join(', ')})`);
  return found;
}

/**
 * A stage and the stages it is built FROM, base first: a FROM naming an earlier stage
 * (after `${ARG}` expansion with the global ARG defaults, e.g. `FROM settings-${SERVICE}`)
 * starts from that stage's file system and ENV.
 */
export function stageChain(dockerfile: Dockerfile, name: string): Stage[] {
  const target = stage(dockerfile, name);
  const from = target.from.replace(/\$\{(\w+)\}/g, (whole, arg: string) => dockerfile.globalArgs[arg] ?? whole);
  const base = dockerfile.stages.find((s) => s.name === from);
  return base ? [...stageChain(dockerfile, base.name), target] : [target];
}

/** `KEY=value KEY2="value with spaces"` of ENV/ARG lines (double quotes only, no escapes inside). */
export function keyValues(args: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [, name, quoted, bare] of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|(\S*))/g)) {
    if (name) result[name] = quoted ?? bare ?? '';
  }
  return result;
}

/** The JSON array of an exec-form CMD/ENTRYPOINT/RUN. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) {
    throw new Error(`not an exec-form array: ${args}`);
  }
  return parsed;
}

export interface ReplayOptions {
  /** The build context (a copy of the repo filtered by .dockerignore). */
  readonly context: string;
  /** Absolute paths of the image (/repo, /out, /app) → folders on this machine. */
  readonly paths: Readonly<Record<string, string>>;
  /** Stage name → its root on this machine, for COPY --from. */
  readonly stageRoots: Readonly<Record<string, string>>;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** Decides per RUN: run it (true) or skip it with a reason (string). */
  readonly decide: (command: string) => true | string;
  readonly log?: (line: string) => void;
}

export interface ReplayResult {
  readonly env: Record<string, string | undefined>;
  readonly workdir: string;
  readonly args: Record<string, string>;
  readonly skipped: readonly string[];
}

/** Maps the image's absolute paths in a command or path to this machine's folders. */
export function mapPaths(text: string, paths: Readonly<Record<string, string>>): string {
  return text.replace(
    /(?<![\w./-])\/(repo|out|app)(?=\/|\s|$|["'])/g,
    (whole, name: string) => paths[`/${name}`] ?? whole,
  );
}

/**
 * Runs one stage's ARG/ENV/WORKDIR/COPY/RUN on this machine, in order. RUN lines go
 * through `sh -c` like Docker's shell form, with the image paths mapped.
 */
export function replayStage(
  target: Stage,
  globalArgs: Readonly<Record<string, string>>,
  options: ReplayOptions,
): ReplayResult {
  const env: Record<string, string | undefined> = { ...options.baseEnv };
  const args: Record<string, string> = {};
  const skipped: string[] = [];
  let workdir = options.paths['/'] ?? options.context;
  const expand = (text: string) =>
    text.replace(/\$\{(\w+)\}/g, (whole, name: string) => args[name] ?? globalArgs[name] ?? env[name] ?? whole);
  for (const { keyword, args: raw } of target.instructions) {
    const text = expand(raw);
    switch (keyword) {
      case 'ARG': {
        const [name, value = globalArgs[text] ?? ''] = text.split('=');
        args[name ?? ''] = value;
        break;
      }
      case 'ENV':
        for (const [name, value] of Object.entries(keyValues(text))) env[name] = mapPaths(value, options.paths);
        break;
      case 'WORKDIR':
        workdir = mapPaths(text, options.paths);
        mkdirSync(workdir, { recursive: true });
        break;
      case 'COPY':
        copy(text, workdir, options);
        break;
      case 'RUN': {
        const command = mapPaths(text, options.paths);
        const verdict = options.decide(text);
        if (verdict !== true) {
          skipped.push(`${text}  (${verdict})`);
          break;
        }
        const started = Date.now();
        execFileSync('sh', ['-c', command], {
          cwd: workdir,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
          maxBuffer: 64 << 20,
        });
        options.log?.(`RUN ${text} (${Date.now() - started} ms)`);
        break;
      }
      default:
        // USER, EXPOSE, CMD, ENTRYPOINT: metadata, nothing to do on this machine.
        break;
    }
  }
  return { env, workdir, args, skipped };
}

function copy(text: string, workdir: string, options: ReplayOptions): void {
  const parts = text.split(/\s+/);
  const from = parts.find((part) => part.startsWith('--from='))?.slice('--from='.length);
  const plain = parts.filter((part) => !part.startsWith('--'));
  const destination = plain.pop();
  if (!destination || plain.length === 0) throw new Error(`cannot read COPY ${text}`);
  const destinationPath = isAbsolute(destination) ? mapPaths(destination, options.paths) : join(workdir, destination);
  const intoDirectory = destination.endsWith('/') || destination === '.' || plain.length > 1;
  for (const source of plain) {
    const sourceRoot = from ? options.stageRoots[from] : options.context;
    if (sourceRoot === undefined) throw new Error(`COPY --from=${from}: unknown stage`);
    const sourcePath = from ? mapPaths(source, options.paths) : join(sourceRoot, source);
    const target =
      source === '.' ? destinationPath : intoDirectory ? join(destinationPath, basename(source)) : destinationPath;
    // Docker copies symlinks as symlinks: pnpm's node_modules is made of them.
    cpSync(sourcePath, target, { recursive: true, verbatimSymlinks: true });
  }
}
