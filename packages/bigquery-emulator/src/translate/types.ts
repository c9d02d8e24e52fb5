/**
 * GoogleSQL data types in SQL text (CAST targets, typed literals, DDL column
 * types) → the emulator's field model and DuckDB types.
 */
import type { DataType, Node } from 'sql-parser-cst';
import { duckColumnType, type FieldMode, type FieldSchema, legacyType } from '../schema.ts';
import type { Emitter } from './emitter.ts';

/** A GoogleSQL type as a (nameless) field: scalar, ARRAY (REPEATED) or STRUCT (RECORD). */
export function fieldOfDataType(node: DataType | Node, e: Emitter, name = ''): FieldSchema {
  switch (node.type) {
    case 'data_type_name': {
      const words = (Array.isArray(node.name) ? node.name : [node.name]).map((k) => k.name).join(' ');
      return scalar(words, name, node, e);
    }
    case 'identifier':
      return scalar(node.name, name, node, e);
    case 'modified_data_type':
      // STRING(10), NUMERIC(10, 2), BYTES(MAX): the parameter only constrains values.
      return fieldOfDataType(node.dataType, e, name);
    case 'parametric_data_type': {
      const kw = node.typeKw.name;
      const params = node.params?.params.items ?? [];
      if (kw === 'ARRAY') {
        const first = params[0];
        if (first?.type !== 'array_type_param') throw e.unsupported('ARRAY without element type', node);
        const inner = fieldOfDataType(first.dataType, e, name);
        if (inner.mode === 'REPEATED') throw e.error('Arrays of arrays are not supported', node);
        return { ...inner, mode: 'REPEATED' };
      }
      if (kw === 'STRUCT') {
        const fields = params.map((p, i) => {
          if (p.type !== 'struct_type_param') throw e.unsupported('STRUCT field without a name', node);
          return fieldOfDataType(p.dataType, e, p.name?.name ?? `_field_${i + 1}`);
        });
        return { name, type: 'RECORD', mode: 'NULLABLE', fields };
      }
      throw e.unsupported(`type ${kw}`, node);
    }
    case 'time_data_type':
      return scalar(node.timeKw.name, name, node, e);
    default:
      throw e.unsupported(`data type ${e.text(node)}`, node);
  }
}

function scalar(typeName: string, name: string, node: Node, e: Emitter): FieldSchema {
  const t = legacyType(typeName);
  if (!t || t === 'RECORD') throw e.unsupported(`data type ${typeName}`, node);
  return { name, type: t, mode: 'NULLABLE' as FieldMode };
}

export function duckTypeOf(node: DataType | Node, e: Emitter): { duck: string; field: FieldSchema } {
  const field = fieldOfDataType(node, e);
  return { duck: duckColumnType(field), field };
}
