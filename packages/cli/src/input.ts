/**
 * JSON arguments: inline JSON, `@file` (relative to the working directory) or
 * `-` (standard input). Errors name the argument and where the JSON came from,
 * with the parser's position, so the user knows what to fix.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Io, UsageError } from './output.ts';

export async function readJsonArgument(io: Io, value: string, what: string): Promise<unknown> {
  let text: string;
  let source: string;
  if (value === '-') {
    source = 'standard input';
    text = await io.readStdin();
  } else if (value.startsWith('@')) {
    const path = resolve(io.cwd, value.slice(1));
    source = `file ${value.slice(1)}`;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new UsageError(`${what}: cannot read ${source} (${codeOf(err)})`);
    }
  } else {
    source = 'the command line';
    text = value;
  }
  if (text.trim() === '') throw new UsageError(`${what}: ${source} is empty; expected JSON`);
  try {
    return JSON.parse(text);
  } catch (err) {
    const hint = value.startsWith('@') || value === '-' ? '' : ' (quote it for the shell, or pass @file or -)';
    throw new UsageError(`${what}: invalid JSON from ${source}: ${(err as Error).message}${hint}`);
  }
}

export async function readJsonObjectArgument(io: Io, value: string, what: string): Promise<Record<string, unknown>> {
  const parsed = await readJsonArgument(io, value, what);
  if (!isPlainObject(parsed)) {
    throw new UsageError(`${what}: expected a JSON object ({…}), got ${describe(parsed)}`);
  }
  return parsed;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : ((err as Error | null)?.message ?? String(err));
}

export function parsePositiveInteger(value: string, option: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(value))
    throw new UsageError(`${option} must be a positive whole number, got "${value}"`);
  return Number(value);
}
