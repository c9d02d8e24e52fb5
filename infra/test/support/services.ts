/**
 * The adaptor services as the infra tests see them: which exist, and their settings
 * (each service's `src/settings.ts`, the `defineSettings` record its main.ts runs on).
 * Imported dynamically so that a service that does not exist yet is reported, not a
 * compile error.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SettingSpecs } from '@adaptors/core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const SERVICES = ['spanner', 'firestore', 'bigquery'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The fields of core's SettingSpec the infra checks read. */
export interface SettingInfo {
  readonly name: string;
  readonly description: string;
  readonly secret: boolean;
  readonly required: boolean;
  readonly default?: string;
}

export function serviceDir(service: ServiceName): string {
  return join(repoRoot, 'services', service);
}

export function hasSettings(service: ServiceName): boolean {
  return existsSync(join(serviceDir(service), 'src', 'settings.ts'));
}

export function hasMain(service: ServiceName): boolean {
  return (
    existsSync(join(serviceDir(service), 'package.json')) && existsSync(join(serviceDir(service), 'src', 'main.ts'))
  );
}

function isSetting(value: unknown): value is SettingInfo {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.name === 'string' &&
    typeof record.description === 'string' &&
    typeof record.secret === 'boolean' &&
    typeof record.required === 'boolean' &&
    typeof record.parse === 'function'
  );
}

/**
 * The service's settings record: the exported record whose values are all settings
 * and that includes the core's (WIX_PUBLIC_KEYS), e.g. `spannerSettings`.
 */
export async function loadServiceSettings(service: ServiceName): Promise<SettingSpecs> {
  const file = join(serviceDir(service), 'src', 'settings.ts');
  const module: Record<string, unknown> = await import(pathToFileURL(file).href);
  for (const value of Object.values(module)) {
    if (typeof value !== 'object' || value === null) continue;
    const entries = Object.values(value);
    if (entries.length > 0 && entries.every(isSetting) && entries.some((s) => s.name === 'WIX_PUBLIC_KEYS')) {
      return value as SettingSpecs;
    }
  }
  throw new Error(
    `${file} exports no settings record that includes the core settings (defineSettings({ ...coreSettings, … }))`,
  );
}
