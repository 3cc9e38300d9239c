import protobuf from 'protobufjs/light.js';

/**
 * The OTLP logs messages the receiver reads and answers with, as protobufjs descriptors: the
 * field names, numbers and types of opentelemetry-proto (v1.x: `collector/logs/v1`,
 * `logs/v1`, `common/v1`, `resource/v1`). Fields of these messages that the receiver has no use
 * for (entity refs, profiles' string tables) are left out: protobuf skips unknown fields.
 */
const DESCRIPTOR = {
  nested: {
    common: {
      nested: {
        AnyValue: {
          oneofs: {
            value: {
              oneof: [
                'stringValue',
                'boolValue',
                'intValue',
                'doubleValue',
                'arrayValue',
                'kvlistValue',
                'bytesValue',
              ],
            },
          },
          fields: {
            stringValue: { type: 'string', id: 1 },
            boolValue: { type: 'bool', id: 2 },
            intValue: { type: 'int64', id: 3 },
            doubleValue: { type: 'double', id: 4 },
            arrayValue: { type: 'ArrayValue', id: 5 },
            kvlistValue: { type: 'KeyValueList', id: 6 },
            bytesValue: { type: 'bytes', id: 7 },
          },
        },
        ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
        KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
        KeyValue: {
          fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } },
        },
        InstrumentationScope: {
          fields: {
            name: { type: 'string', id: 1 },
            version: { type: 'string', id: 2 },
            attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
            droppedAttributesCount: { type: 'uint32', id: 4 },
          },
        },
      },
    },
    resource: {
      nested: {
        Resource: {
          fields: {
            attributes: { rule: 'repeated', type: 'common.KeyValue', id: 1 },
            droppedAttributesCount: { type: 'uint32', id: 2 },
          },
        },
      },
    },
    logs: {
      nested: {
        ResourceLogs: {
          fields: {
            resource: { type: 'resource.Resource', id: 1 },
            scopeLogs: { rule: 'repeated', type: 'ScopeLogs', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        ScopeLogs: {
          fields: {
            scope: { type: 'common.InstrumentationScope', id: 1 },
            logRecords: { rule: 'repeated', type: 'LogRecord', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        LogRecord: {
          fields: {
            timeUnixNano: { type: 'fixed64', id: 1 },
            observedTimeUnixNano: { type: 'fixed64', id: 11 },
            severityNumber: { type: 'int32', id: 2 },
            severityText: { type: 'string', id: 3 },
            body: { type: 'common.AnyValue', id: 5 },
            attributes: { rule: 'repeated', type: 'common.KeyValue', id: 6 },
            droppedAttributesCount: { type: 'uint32', id: 7 },
            flags: { type: 'fixed32', id: 8 },
            traceId: { type: 'bytes', id: 9 },
            spanId: { type: 'bytes', id: 10 },
            eventName: { type: 'string', id: 12 },
          },
        },
      },
    },
    rpc: {
      nested: {
        // google.rpc.Status: the body of an OTLP/HTTP error answer in protobuf.
        Status: {
          fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } },
        },
      },
    },
    collector: {
      nested: {
        ExportLogsServiceRequest: {
          fields: { resourceLogs: { rule: 'repeated', type: 'logs.ResourceLogs', id: 1 } },
        },
        ExportLogsServiceResponse: {
          fields: { partialSuccess: { type: 'ExportLogsPartialSuccess', id: 1 } },
        },
        ExportLogsPartialSuccess: {
          fields: {
            rejectedLogRecords: { type: 'int64', id: 1 },
            errorMessage: { type: 'string', id: 2 },
          },
        },
      },
    },
  },
};

export interface OtlpProtobuf {
  /** An ExportLogsServiceRequest in the OTLP/JSON shape (int64 as strings, bytes as hex). */
  decodeRequest(bytes: Uint8Array): unknown;
  encodeResponse(response: {
    partialSuccess?: { rejectedLogRecords: string; errorMessage: string };
  }): Uint8Array;
  /** A google.rpc.Status (`code` a gRPC status code: 3 invalid argument, 16 unauthenticated...). */
  encodeStatus(status: { code: number; message: string }): Uint8Array;
}

/** The protobuf codec of the receiver (built when the app is created, not at import). */
export function createOtlpProtobuf(): OtlpProtobuf {
  const root = protobuf.Root.fromJSON(DESCRIPTOR);
  const request = root.lookupType('collector.ExportLogsServiceRequest');
  const response = root.lookupType('collector.ExportLogsServiceResponse');
  const status = root.lookupType('rpc.Status');
  return {
    decodeRequest(bytes) {
      const message = request.decode(bytes);
      // OTLP/JSON's encoding of what the JSON path reads: int64 as decimal strings; bytes
      // (trace and span ids) are not kept, so their encoding does not matter here.
      return request.toObject(message, { longs: String, enums: Number, bytes: String });
    },
    encodeResponse(value) {
      return response.encode(response.fromObject(value)).finish();
    },
    encodeStatus(value) {
      return status.encode(status.fromObject(value)).finish();
    },
  };
}
