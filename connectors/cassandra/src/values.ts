/**
 * JSON values → CQL values, by the column's type as the table's metadata gives it. Pure: the
 * documented, golden-tested type mapping. A value that does not fit its column throws a
 * `ValueError` naming the column, the type and the value — a record-level failure (dead
 * letter), never a silent truncation (the driver alone would write 1.5 into an `int` as 1).
 */
import { isIP } from 'node:net';
import cassandra from 'cassandra-driver';

const { types } = cassandra;
const { dataTypes } = types;

/** A column type as the driver's metadata describes it. */
export interface CqlType {
  readonly code: number;
  readonly info?: unknown;
  readonly customTypeName?: string;
}

interface UdtInfo {
  readonly name: string;
  readonly fields: readonly { readonly name: string; readonly type: CqlType }[];
}

export class ValueError extends Error {
  override readonly name = 'ValueError';
}

/** What a column receives: a driver value, `null` (clears the cell) or `unset` (leaves it). */
export type CqlValue = unknown;

export const UNSET: unknown = types.unset;

/**
 * Converts `value` for a column of `type`. `undefined` (a field the record lacks) is `unset`:
 * the cell is left as it is; JSON `null` clears it.
 */
export function toCql(value: unknown, type: CqlType, column: string): CqlValue {
  if (value === undefined) return UNSET;
  if (value === null) return null;
  return convert(value, type, column);
}

const INT_RANGES: Record<number, readonly [number, number]> = {
  [dataTypes.tinyint]: [-128, 127],
  [dataTypes.smallint]: [-32768, 32767],
  [dataTypes.int]: [-2147483648, 2147483647],
};

const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const LONG_MAX = types.Long.MAX_VALUE;
const LONG_MIN = types.Long.MIN_VALUE;

function convert(value: unknown, type: CqlType, at: string): CqlValue {
  const fail = (why: string): never => {
    throw new ValueError(`column ${at} (${typeName(type)}): ${show(value)} ${why}`);
  };
  switch (type.code) {
    case dataTypes.text:
    case dataTypes.varchar:
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return JSON.stringify(value);
    case dataTypes.ascii: {
      const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
      // eslint-disable-next-line no-control-regex
      if (!/^[\x00-\x7f]*$/.test(text)) fail('is not ASCII');
      return text;
    }
    case dataTypes.tinyint:
    case dataTypes.smallint:
    case dataTypes.int: {
      const n = typeof value === 'string' && INTEGER_TEXT.test(value.trim()) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) fail('is not an integer');
      const [min, max] = INT_RANGES[type.code]!;
      if ((n as number) < min || (n as number) > max) fail(`is out of range (${min} to ${max})`);
      return n;
    }
    case dataTypes.bigint:
    case dataTypes.counter: {
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) fail('is not an integer');
        if (!Number.isSafeInteger(value)) fail('is beyond 2^53 as a JSON number: send it as a string of digits');
        return types.Long.fromNumber(value);
      }
      if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) {
        const text = value.trim().replace(/^\+/, '');
        const long = types.Long.fromString(text);
        // Long.fromString wraps around silently: check it read back the same digits.
        if (long.toString() !== text.replace(/^(-?)0+(?=\d)/, '$1') || long.greaterThan(LONG_MAX) || long.lessThan(LONG_MIN)) fail('is out of range for a 64-bit integer');
        return long;
      }
      return fail('is not an integer');
    }
    case dataTypes.varint: {
      if (typeof value === 'number' && Number.isSafeInteger(value)) return types.Integer.fromNumber(value);
      if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) return types.Integer.fromString(value.trim().replace(/^\+/, ''));
      return fail(typeof value === 'number' && Number.isInteger(value) ? 'is beyond 2^53 as a JSON number: send it as a string of digits' : 'is not an integer');
    }
    case dataTypes.float:
    case dataTypes.double: {
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && (NUMBER_TEXT.test(value.trim()) || ['NaN', 'Infinity', '-Infinity'].includes(value))) return Number(value);
      return fail('is not a number');
    }
    case dataTypes.decimal: {
      if (typeof value === 'number' && Number.isFinite(value)) return decimalFromText(String(value));
      if (typeof value === 'string' && NUMBER_TEXT.test(value.trim())) return decimalFromText(value.trim());
      return fail('is not a decimal number');
    }
    case dataTypes.boolean:
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return fail('is not a boolean');
    case dataTypes.timestamp: {
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) fail('is not whole milliseconds since the epoch');
        return new Date(value);
      }
      if (typeof value === 'string') {
        const ms = Date.parse(value);
        if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) fail('is not an ISO 8601 date-time');
        return new Date(ms);
      }
      return fail('is not a timestamp (milliseconds since the epoch, or ISO 8601 text)');
    }
    case dataTypes.date:
      if (typeof value === 'string' && /^-?\d{4,}-\d{2}-\d{2}$/.test(value)) return parsed(() => types.LocalDate.fromString(value), fail);
      return fail('is not a date (YYYY-MM-DD)');
    case dataTypes.time:
      if (typeof value === 'string' && /^\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/.test(value)) return parsed(() => types.LocalTime.fromString(value), fail);
      return fail('is not a time of day (hh:mm:ss.fffffffff)');
    case dataTypes.uuid:
      if (typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return types.Uuid.fromString(value);
      return fail('is not a UUID');
    case dataTypes.timeuuid:
      if (typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return types.TimeUuid.fromString(value);
      return fail('is not a version-1 (time-based) UUID');
    case dataTypes.inet:
      if (typeof value === 'string' && isIP(value) !== 0) return types.InetAddress.fromString(value);
      return fail('is not an IP address');
    case dataTypes.blob:
      if (Buffer.isBuffer(value)) return value;
      if (typeof value === 'string' && BASE64.test(value)) return Buffer.from(value, 'base64');
      return fail('is not base64 text');
    case dataTypes.duration:
      if (typeof value === 'string') return parsed(() => types.Duration.fromString(value), fail);
      return fail('is not a duration (e.g. 1h30m or PT1H30M)');
    case dataTypes.list:
    case dataTypes.set: {
      if (!Array.isArray(value)) fail('is not an array');
      return (value as unknown[]).map((element, i) => {
        if (element === null || element === undefined) throw new ValueError(`column ${at}[${i}] (${typeName(type.info as CqlType)}): a collection cannot hold null`);
        return convert(element, type.info as CqlType, `${at}[${i}]`);
      });
    }
    case dataTypes.map: {
      if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) fail('is not a JSON object');
      const [keyType, valueType] = type.info as [CqlType, CqlType];
      const map = new Map<unknown, unknown>();
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === null || v === undefined) throw new ValueError(`column ${at}.${k} (${typeName(valueType)}): a map cannot hold null`);
        map.set(convert(k, keyType, `${at} key ${JSON.stringify(k)}`), convert(v, valueType, `${at}.${k}`));
      }
      return map;
    }
    case dataTypes.tuple: {
      const elements = type.info as CqlType[];
      if (!Array.isArray(value) || value.length !== elements.length) fail(`is not an array of ${elements.length}`);
      return types.Tuple.fromArray((value as unknown[]).map((v, i) => (v === null ? null : convert(v, elements[i]!, `${at}[${i}]`))));
    }
    case dataTypes.udt: {
      if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) fail('is not a JSON object');
      const udt = type.info as UdtInfo;
      const out: Record<string, unknown> = {};
      const fields = new Map(udt.fields.map((f) => [f.name, f.type]));
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const fieldType = fields.get(k);
        if (!fieldType) throw new ValueError(`column ${at} (${typeName(type)}): the type has no field ${k}`);
        out[k] = v === null ? null : convert(v, fieldType, `${at}.${k}`);
      }
      return out;
    }
    case dataTypes.custom: {
      if (type.customTypeName === 'vector') {
        const [elementType, dimension] = type.info as [CqlType, number];
        if (!Array.isArray(value) || value.length !== dimension) fail(`is not an array of ${dimension}`);
        const elements = (value as unknown[]).map((v, i) => convert(v, elementType, `${at}[${i}]`));
        return new types.Vector(elements, typeName(elementType));
      }
      return fail('cannot be written: the column has a custom type');
    }
    default:
      return fail('cannot be written: unsupported column type');
  }
}

/** Decimal text, an exponent moved into the digits (the driver's BigDecimal reads none). */
function decimalFromText(text: string): unknown {
  const [mantissa, exponent] = text.toLowerCase().replace(/^\+/, '').split('e') as [string, string | undefined];
  if (exponent === undefined) return types.BigDecimal.fromString(mantissa);
  const negative = mantissa.startsWith('-');
  const [whole, fraction = ''] = mantissa.replace('-', '').split('.') as [string, string | undefined];
  const digits = `${whole}${fraction}`;
  const point = whole.length + Number(exponent);
  const plain =
    point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? `${digits}${'0'.repeat(point - digits.length)}` : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return types.BigDecimal.fromString(`${negative ? '-' : ''}${plain}`);
}

function parsed<T>(parse: () => T, fail: (why: string) => never): T {
  try {
    return parse();
  } catch (error) {
    return fail(`does not parse (${(error as Error).message})`);
  }
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : Buffer.isBuffer(value) ? 'bytes' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(dataTypes)
    .filter(([, code]) => typeof code === 'number')
    .map(([name, code]) => [code as number, name]),
);

/** The CQL name of a type, e.g. `map<text, int>`, for messages. */
export function typeName(type: CqlType): string {
  switch (type.code) {
    case dataTypes.list:
    case dataTypes.set:
      return `${NAMES[type.code]}<${typeName(type.info as CqlType)}>`;
    case dataTypes.map: {
      const [k, v] = type.info as [CqlType, CqlType];
      return `map<${typeName(k)}, ${typeName(v)}>`;
    }
    case dataTypes.tuple:
      return `tuple<${(type.info as CqlType[]).map(typeName).join(', ')}>`;
    case dataTypes.udt:
      return (type.info as UdtInfo).name;
    case dataTypes.custom:
      if (type.customTypeName === 'vector') {
        const [element, n] = type.info as [CqlType, number];
        return `vector<${typeName(element)}, ${n}>`;
      }
      return String(type.info ?? 'custom');
    default:
      return NAMES[type.code] ?? `type ${type.code}`;
  }
}
