/**
 * Reads an OTLP logs export (ExportLogsServiceRequest, in the OTLP/JSON shape: lowerCamelCase
 * field names, int64 as decimal strings or numbers) into flat log records. A body whose
 * structure is not a logs export is an OtlpShapeError (answered 400, naming where); a record
 * whose own fields are malformed is returned as invalid, on its own, and the others are read.
 */

/** What the receiver keeps of an attribute value: arrays, maps and bytes read as null. */
export type AttributeValue = string | number | boolean | null;
export type Attributes = ReadonlyMap<string, AttributeValue>;

export interface OtlpLogRecord {
  /** Where it is in the request: `resourceLogs[0].scopeLogs[0].logRecords[3]`. */
  path: string;
  resource: Attributes;
  attributes: Attributes;
  /** timeUnixNano as a decimal string; null when absent or 0. */
  timeUnixNano: string | null;
  observedTimeUnixNano: string | null;
  eventName: string | null;
  body: AttributeValue;
}

export interface InvalidRecord {
  path: string;
  message: string;
}

/** The request is not a logs export: answered 400 with this message. */
export class OtlpShapeError extends Error {}

class RecordError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A repeated field: absent or null is empty (proto3 JSON). */
function repeated(value: unknown, path: string, fail: (message: string) => Error): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fail(`${path}: expected an array`);
  return value;
}

const UINT64 = /^\d{1,20}$/;
const INT64 = /^-?\d{1,19}$/;

/** fixed64 nanoseconds: a decimal string, or a JSON number when it is a safe integer. */
function readNanos(value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null;
  let text: string;
  if (typeof value === 'string' && UINT64.test(value)) text = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
    text = String(value);
  else throw new RecordError(`${path}: expected unsigned nanoseconds since the epoch`);
  return BigInt(text) === 0n ? null : BigInt(text).toString();
}

function readAnyValue(value: unknown, path: string): AttributeValue {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw new RecordError(`${path}: expected an AnyValue object`);
  if ('stringValue' in value && value.stringValue !== undefined && value.stringValue !== null) {
    if (typeof value.stringValue !== 'string')
      throw new RecordError(`${path}.stringValue: expected a string`);
    return value.stringValue;
  }
  if ('boolValue' in value && value.boolValue !== undefined && value.boolValue !== null) {
    if (typeof value.boolValue !== 'boolean')
      throw new RecordError(`${path}.boolValue: expected a boolean`);
    return value.boolValue;
  }
  if ('intValue' in value && value.intValue !== undefined && value.intValue !== null) {
    const v = value.intValue;
    if (typeof v === 'string' && INT64.test(v)) return Number(v);
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    throw new RecordError(`${path}.intValue: expected an int64 (a decimal string)`);
  }
  if ('doubleValue' in value && value.doubleValue !== undefined && value.doubleValue !== null) {
    const v = value.doubleValue;
    if (typeof v === 'number') return v;
    if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
    throw new RecordError(`${path}.doubleValue: expected a number`);
  }
  // arrayValue, kvlistValue, bytesValue: nothing the receiver keeps is one of these.
  return null;
}

function readAttributes(value: unknown, path: string, fail: (m: string) => Error): Attributes {
  const attributes = new Map<string, AttributeValue>();
  repeated(value, path, fail).forEach((item, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(item) || typeof item.key !== 'string')
      throw fail(`${at}: expected a KeyValue with a string key`);
    try {
      attributes.set(item.key, readAnyValue(item.value, `${at}.value`));
    } catch (error) {
      if (error instanceof RecordError) throw fail(error.message);
      throw error;
    }
  });
  return attributes;
}

const shape = (message: string) => new OtlpShapeError(message);
const record = (message: string) => new RecordError(message);

export function readLogsRequest(body: unknown): {
  records: OtlpLogRecord[];
  invalid: InvalidRecord[];
} {
  if (!isObject(body))
    throw new OtlpShapeError('the body must be an ExportLogsServiceRequest object');
  const records: OtlpLogRecord[] = [];
  const invalid: InvalidRecord[] = [];
  repeated(body.resourceLogs, 'resourceLogs', shape).forEach((rl, i) => {
    const rPath = `resourceLogs[${i}]`;
    if (!isObject(rl)) throw new OtlpShapeError(`${rPath}: expected a ResourceLogs object`);
    if (rl.resource !== undefined && rl.resource !== null && !isObject(rl.resource))
      throw new OtlpShapeError(`${rPath}.resource: expected a Resource object`);
    // A bad resource attribute rejects that resource's records (partial success), not the export.
    let resource: Attributes = new Map();
    let resourceError: string | null = null;
    try {
      resource = readAttributes(
        isObject(rl.resource) ? rl.resource.attributes : undefined,
        `${rPath}.resource.attributes`,
        record,
      );
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      resourceError = error.message;
    }
    repeated(rl.scopeLogs, `${rPath}.scopeLogs`, shape).forEach((sl, j) => {
      const sPath = `${rPath}.scopeLogs[${j}]`;
      if (!isObject(sl)) throw new OtlpShapeError(`${sPath}: expected a ScopeLogs object`);
      repeated(sl.logRecords, `${sPath}.logRecords`, shape).forEach((lr, k) => {
        const path = `${sPath}.logRecords[${k}]`;
        try {
          if (resourceError) throw new RecordError(resourceError);
          if (!isObject(lr)) throw new RecordError(`${path}: expected a LogRecord object`);
          if (
            lr.eventName !== undefined &&
            lr.eventName !== null &&
            typeof lr.eventName !== 'string'
          )
            throw new RecordError(`${path}.eventName: expected a string`);
          records.push({
            path,
            resource,
            attributes: readAttributes(lr.attributes, `${path}.attributes`, record),
            timeUnixNano: readNanos(lr.timeUnixNano, `${path}.timeUnixNano`),
            observedTimeUnixNano: readNanos(
              lr.observedTimeUnixNano,
              `${path}.observedTimeUnixNano`,
            ),
            eventName: typeof lr.eventName === 'string' && lr.eventName ? lr.eventName : null,
            body: readAnyValue(lr.body, `${path}.body`),
          });
        } catch (error) {
          if (!(error instanceof RecordError)) throw error;
          invalid.push({ path, message: error.message });
        }
      });
    });
  });
  return { records, invalid };
}
