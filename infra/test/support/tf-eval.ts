/**
 * Evaluates the few Terraform expressions a root uses to build the service's env
 * (`var.x`, `local.x`, `tostring(...)`, `coalesce(...)`, `concat(...)`, `contains(...)`,
 * `a ? b : c`, `==`/`!=`, `google_x.this[0].attr`, literals and "${...}" templates) for given variable
 * values, so a test can hand the service the env a `terraform apply` would set.
 * Anything else throws: a rewrite of the roots into forms this does not know is
 * reported, never evaluated wrongly.
 */
import { type Body, locals, type TerraformConfig, typedBlocks } from './hcl.ts';

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'name'; value: string }
  | { kind: 'punct'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? '';
    if (/\s/.test(char)) {
      i++;
    } else if (/\d/.test(char)) {
      const match = /^\d+(\.\d+)?/.exec(source.slice(i))?.[0] ?? '';
      tokens.push({ kind: 'number', value: Number(match) });
      i += match.length;
    } else if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][\w-]*/.exec(source.slice(i))?.[0] ?? '';
      tokens.push({ kind: 'name', value: match });
      i += match.length;
    } else if (char === '"') {
      let text = '';
      i++;
      while (i < source.length && source[i] !== '"') {
        if (source[i] === '\\') i++;
        if (source[i] === '$' && source[i + 1] === '{') throw new Error(`unsupported: template inside ${source}`);
        text += source[i];
        i++;
      }
      i++;
      tokens.push({ kind: 'string', value: text });
    } else if (source.startsWith('==', i) || source.startsWith('!=', i)) {
      tokens.push({ kind: 'punct', value: source.slice(i, i + 2) });
      i += 2;
    } else if ('?:(),.[]'.includes(char)) {
      tokens.push({ kind: 'punct', value: char });
      i++;
    } else {
      throw new Error(`unsupported character ${JSON.stringify(char)} in ${source}`);
    }
  }
  return tokens;
}

/** What a root's expressions are evaluated against. */
export interface Scope {
  readonly config: TerraformConfig;
  readonly vars: Readonly<Record<string, Value>>;
}

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  tostring: ([value]) => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'object') throw new Error('tostring of a collection');
    return String(value);
  },
  concat: (args) => {
    if (!args.every(Array.isArray)) throw new Error('concat of a non-list');
    return (args as Value[][]).flat();
  },
  contains: ([list, value]) => {
    if (!Array.isArray(list)) throw new Error('contains on a non-list');
    return list.includes(value ?? null);
  },
  coalesce: (args) => {
    const found = args.find((value) => value !== null && value !== '');
    if (found === undefined) throw new Error('coalesce: no non-null, non-empty argument');
    return found;
  },
};

function evaluateExpression(source: string, scope: Scope): Value {
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at];
  const take = (punct?: string): Token => {
    const token = tokens[at++];
    if (!token || (punct !== undefined && (token.kind !== 'punct' || token.value !== punct))) {
      throw new Error(`expected ${punct ?? 'a token'} in ${source}`);
    }
    return token;
  };
  const isPunct = (value: string) => {
    const token = peek();
    return token?.kind === 'punct' && token.value === value;
  };

  const reference = (first: string): Value => {
    const path: (string | number)[] = [first];
    while (isPunct('.') || isPunct('[')) {
      if (take().value === '.') {
        const name = take();
        if (name.kind !== 'name') throw new Error(`expected a name in ${source}`);
        path.push(name.value);
      } else {
        const index = take();
        if (index.kind !== 'number') throw new Error(`expected an index in ${source}`);
        path.push(index.value);
        take(']');
      }
    }
    const [head, name, ...rest] = path;
    if (head === 'var' && typeof name === 'string' && rest.length === 0) {
      if (!(name in scope.vars)) throw new Error(`var.${name} has no value`);
      return scope.vars[name] ?? null;
    }
    if (head === 'local' && typeof name === 'string' && rest.length === 0) {
      const all = locals(scope.config);
      if (!(name in all)) throw new Error(`local.${name} is not declared`);
      return evaluate(all[name], scope);
    }
    // A counted resource's argument, e.g. google_bigquery_dataset.this[0].dataset_id:
    // what the root sets it to (Terraform reports it back as set).
    const [index, attribute] = rest;
    if (typeof head === 'string' && head.startsWith('google_') && index === 0 && typeof attribute === 'string') {
      const block = typedBlocks(scope.config, 'resource').find((b) => b.type === head && b.name === name);
      if (!block || !(attribute in block.body)) throw new Error(`${path.join('.')} is not an argument the root sets`);
      return evaluate(block.body[attribute], scope);
    }
    throw new Error(`unsupported reference ${path.join('.')} in ${source}`);
  };

  const primary = (): Value => {
    const token = take();
    if (token.kind === 'number' || token.kind === 'string') return token.value;
    if (token.kind === 'punct' && token.value === '(') {
      const value = ternary();
      take(')');
      return value;
    }
    if (token.kind !== 'name') throw new Error(`unexpected ${token.value} in ${source}`);
    if (token.value === 'true') return true;
    if (token.value === 'false') return false;
    if (token.value === 'null') return null;
    if (isPunct('(')) {
      const fn = FUNCTIONS[token.value];
      if (!fn) throw new Error(`unsupported function ${token.value} in ${source}`);
      take('(');
      const args: Value[] = [];
      while (!isPunct(')')) {
        args.push(ternary());
        if (!isPunct(')')) take(',');
      }
      take(')');
      return fn(args);
    }
    return reference(token.value);
  };

  const comparison = (): Value => {
    const left = primary();
    if (isPunct('==') || isPunct('!=')) {
      const op = take().value;
      const right = primary();
      return op === '==' ? left === right : left !== right;
    }
    return left;
  };

  const ternary = (): Value => {
    const condition = comparison();
    if (!isPunct('?')) return condition;
    take('?');
    const whenTrue = ternary();
    take(':');
    const whenFalse = ternary();
    if (typeof condition !== 'boolean') throw new Error(`condition is not a bool in ${source}`);
    return condition ? whenTrue : whenFalse;
  };

  const value = ternary();
  if (at !== tokens.length) throw new Error(`unsupported expression ${source}`);
  return value;
}

/** The "${...}" parts of a string as hcl2json writes it, in order. */
function interpolations(text: string): { start: number; end: number; source: string }[] {
  const found: { start: number; end: number; source: string }[] = [];
  let i = text.indexOf('${');
  while (i !== -1) {
    let depth = 0;
    let j = i + 1;
    for (; j < text.length; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}' && --depth === 0) break;
    }
    if (j >= text.length) throw new Error(`unterminated interpolation in ${text}`);
    found.push({ start: i, end: j + 1, source: text.slice(i + 2, j) });
    i = text.indexOf('${', j + 1);
  }
  return found;
}

/** A value of the HCL as hcl2json gives it (literal, "${expr}", template, list, object). */
export function evaluate(value: unknown, scope: Scope): Value {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => evaluate(item, scope));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Body).map(([key, item]) => [key, evaluate(item, scope)]));
  }
  if (typeof value !== 'string') throw new Error(`unsupported value ${String(value)}`);
  const parts = interpolations(value);
  const only = parts[0];
  if (parts.length === 1 && only && only.start === 0 && only.end === value.length) {
    return evaluateExpression(only.source, scope);
  }
  let text = '';
  let last = 0;
  for (const part of parts) {
    const inner = evaluateExpression(part.source, scope);
    if (inner === null || typeof inner === 'object') throw new Error(`${part.source} cannot be interpolated`);
    text += value.slice(last, part.start) + String(inner);
    last = part.end;
  }
  return text + value.slice(last);
}
