/** File-system helpers the commands share. */
import { access } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Io } from './output.ts';

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** A path as the user should read it: relative to the working folder when inside it. */
export function shown(io: Io, path: string): string {
  const rel = relative(io.cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
