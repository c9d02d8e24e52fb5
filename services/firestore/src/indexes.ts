/**
 * indexes/list, create, remove (docs/protocol.md §7) as Firestore composite indexes,
 * managed through the Firestore Admin API
 * (`projects/{p}/databases/{d}/collectionGroups/{c}/indexes`).
 *
 * The Admin API sits behind a narrow seam (`IndexAdminApi`): production uses
 * the Admin client shipped with @google-cloud/firestore (`v1.FirestoreAdminClient`,
 * same requests as the REST API, auth from the service account); the emulator
 * has no index API, so tests check the requests against recorded shapes.
 *
 * Firestore names indexes itself (opaque ids); the SPI names them. The SPI
 * name ↔ fields pairs live in the collection's metadata document (`indexes`);
 * an index created elsewhere is listed as `firestore_<id>`.
 * Firestore has no unique or case-insensitive indexes, and indexes every
 * single field automatically, so those requests are refused with a reason.
 */
import {
  errors,
  type IndexDefinition,
  type IndexField,
  type IndexInfo,
  type IndexStatus,
  type StoredCollection,
} from '@adaptors/core';
import { GRPC, grpcCode } from './errors.ts';
import type { IndexFieldSpec } from './index-rule.ts';

/** Admin API `Index` resource (google.firestore.admin.v1.Index), the parts we use. */
export interface AdminIndex {
  readonly name?: string | null;
  readonly queryScope?: string | null;
  readonly fields?:
    | readonly {
        readonly fieldPath?: string | null;
        readonly order?: string | null;
        readonly arrayConfig?: string | null;
      }[]
    | null;
  readonly state?: string | null;
}

export interface IndexAdminApi {
  listIndexes(parent: string): Promise<readonly AdminIndex[]>;
  createIndex(parent: string, index: AdminIndex): Promise<void>;
  deleteIndex(name: string): Promise<void>;
}

/** Where SPI index names are remembered (the metadata document of the collection). */
export interface IndexNameStore {
  read(collectionId: string): Promise<Record<string, readonly IndexField[]>>;
  write(collectionId: string, names: Record<string, readonly IndexField[]>): Promise<void>;
}

const PRIMARY: IndexInfo = {
  name: '_id_',
  fields: [{ path: '_id', order: 'ASC' }],
  unique: true,
  caseInsensitive: false,
  status: 'ACTIVE',
};

const STATES: Readonly<Record<string, IndexStatus>> = {
  CREATING: 'BUILDING',
  READY: 'ACTIVE',
  NEEDS_REPAIR: 'FAILED',
};

function signature(fields: readonly IndexField[]): string {
  return fields.map((f) => `${f.path}:${f.order}`).join(',');
}

/** Admin fields → SPI fields; Firestore appends `__name__` (the document id), which the SPI calls `_id`. */
function spiFields(index: AdminIndex): IndexField[] {
  const fields = (index.fields ?? []).map(
    (f): IndexField => ({
      path: f.fieldPath === '__name__' ? '_id' : spiFieldPath(f.fieldPath ?? ''),
      order: f.order === 'DESCENDING' ? 'DESC' : 'ASC',
    }),
  );
  const last = fields[fields.length - 1];
  return last && last.path === '_id' && fields.length > 1 ? fields.slice(0, -1) : fields;
}

/** Field paths with characters outside [A-Za-z0-9_] are back-quoted (Firestore field path syntax). */
export function adminFieldPath(path: string): string {
  if (path === '_id') return '__name__';
  return adminPathOf(path.split('.'));
}

/** Field path segments in Admin API syntax (the same as the client's canonical field path strings). */
export function adminPathOf(segments: readonly string[]): string {
  return segments
    .map((segment) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) ? segment : `\`${segment.replace(/[`\\]/g, '\\$&')}\``))
    .join('.');
}

/** The inverse of adminFieldPath: back-quoted segments unquoted. */
export function spiFieldPath(path: string): string {
  const segments: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    if (quoted && c === '\\') current += path[++i] ?? '';
    else if (c === '`') quoted = !quoted;
    else if (c === '.' && !quoted) {
      segments.push(current);
      current = '';
    } else current += c;
  }
  segments.push(current);
  return segments.join('.');
}

export class FirestoreIndexes {
  constructor(
    private readonly api: IndexAdminApi,
    private readonly names: IndexNameStore,
    /** `projects/{p}/databases/{d}` */
    private readonly database: string,
  ) {}

  private parent(collectionId: string): string {
    return `${this.database}/collectionGroups/${collectionId}`;
  }

  private async current(collectionId: string): Promise<{ index: AdminIndex; info: IndexInfo }[]> {
    const [indexes, names] = await Promise.all([
      this.api.listIndexes(this.parent(collectionId)),
      this.names.read(collectionId),
    ]);
    const bySignature = new Map(Object.entries(names).map(([name, fields]) => [signature(fields), name]));
    return indexes
      .filter((index) => (index.queryScope ?? 'COLLECTION') === 'COLLECTION')
      .map((index) => {
        const fields = spiFields(index);
        const id = (index.name ?? '').split('/').pop() ?? '';
        return {
          index,
          info: {
            name: bySignature.get(signature(fields)) ?? `firestore_${id}`,
            fields,
            unique: false,
            caseInsensitive: false,
            status: STATES[index.state ?? ''] ?? 'BUILDING',
          },
        };
      });
  }

  async list(collection: StoredCollection): Promise<IndexInfo[]> {
    return [PRIMARY, ...(await this.current(collection.id)).map((c) => c.info)];
  }

  async create(collection: StoredCollection, index: IndexDefinition): Promise<IndexInfo> {
    if (index.unique)
      throw errors.violation('index.unique', true, 'Firestore has no unique indexes; only _id is unique');
    if (index.caseInsensitive) {
      throw errors.violation('index.caseInsensitive', true, 'Firestore indexes compare text case-sensitively');
    }
    if (index.fields.length < 2) {
      throw errors.violation(
        'index.fields',
        index.fields.map((f) => f.path).join(','),
        'Firestore indexes every single field automatically; a composite index needs at least 2 fields',
      );
    }
    const existing = await this.current(collection.id);
    if (index.name === PRIMARY.name || existing.some((c) => c.info.name === index.name)) {
      throw errors.violation('index.name', index.name, `an index named '${index.name}' already exists`);
    }
    const names = await this.names.read(collection.id);
    await this.api.createIndex(this.parent(collection.id), {
      queryScope: 'COLLECTION',
      fields: index.fields.map((f) => ({
        fieldPath: adminFieldPath(f.path),
        order: f.order === 'DESC' ? 'DESCENDING' : 'ASCENDING',
      })),
    });
    await this.names.write(collection.id, { ...names, [index.name]: index.fields });
    return { ...index, unique: false, caseInsensitive: false, status: 'BUILDING' };
  }

  /**
   * Creates the composite index a query needs (index-advisor.ts,
   * FIRESTORE_MANAGE_INDEXES=true), listed as `firestore_<id>`. ALREADY_EXISTS
   * (another instance asked first) is success.
   */
  async createComposite(collectionId: string, fields: readonly IndexFieldSpec[]): Promise<void> {
    try {
      await this.api.createIndex(this.parent(collectionId), {
        queryScope: 'COLLECTION',
        fields: fields.map((f) =>
          f.mode === 'CONTAINS'
            ? { fieldPath: f.fieldPath, arrayConfig: 'CONTAINS' }
            : { fieldPath: f.fieldPath, order: f.mode },
        ),
      });
    } catch (error) {
      if (grpcCode(error) !== GRPC.ALREADY_EXISTS) throw error;
    }
  }

  async remove(collection: StoredCollection, indexName: string): Promise<void> {
    const found = (await this.current(collection.id)).find((c) => c.info.name === indexName);
    if (!found?.index.name) throw errors.violation('indexName', indexName, `no index named '${indexName}'`);
    await this.api.deleteIndex(found.index.name);
    const { [indexName]: _removed, ...rest } = await this.names.read(collection.id);
    await this.names.write(collection.id, rest);
  }
}

/** The production seam: the Admin client of @google-cloud/firestore (gRPC, service-account auth). */
export interface AdminClientLike {
  listIndexes(request: { parent: string }): Promise<readonly unknown[]>;
  createIndex(request: { parent: string; index: AdminIndex }): Promise<readonly unknown[]>;
  deleteIndex(request: { name: string }): Promise<readonly unknown[]>;
}

export function adminApiOf(client: AdminClientLike): IndexAdminApi {
  return {
    async listIndexes(parent) {
      const [indexes] = await client.listIndexes({ parent });
      return (indexes ?? []) as AdminIndex[];
    },
    async createIndex(parent, index) {
      // Returns a long-running operation; the index shows as BUILDING (CREATING) until built.
      await client.createIndex({ parent, index });
    },
    async deleteIndex(name) {
      await client.deleteIndex({ name });
    },
  };
}
