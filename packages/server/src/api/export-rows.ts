import {
  type Event,
  type ExportRow,
  formatActor,
  type Session,
  type StoredEvent,
} from '@auditlane/client';

/** The audit events of an export (terminal i/o is in the recording, not the export). */
export function isAuditEvent(event: Event): boolean {
  return event.type !== 'terminal';
}

/** A session joined with one of its audit events, flat, as CSV and NDJSON exports carry it. */
export function exportRow(session: Session, event: StoredEvent | null): ExportRow {
  return {
    sessionId: session.id,
    org: session.org,
    actorType: session.actor.type,
    actor: formatActor(session.actor),
    resource: session.resource.name,
    resourceType: session.resource.type,
    environment: session.resource.environment,
    status: session.status,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    eventSeq: event?.seq ?? null,
    eventTime: event?.time ?? null,
    eventType: event?.type ?? null,
    summary: event ? summary(event) : null,
    verdict: event?.type === 'policy' ? event.verdict : null,
    reviewer: event?.type === 'policy' ? (event.reviewer ?? null) : null,
    reason: event?.type === 'policy' || event?.type === 'lifecycle' ? (event.reason ?? null) : null,
  };
}

function summary(event: Event): string | null {
  switch (event.type) {
    case 'command':
      return event.text;
    case 'query':
      return event.sql;
    case 'tool_call':
      return `${event.tool} ${event.input === undefined ? '' : JSON.stringify(event.input)}`.trim();
    case 'llm_call':
      return `${event.model}: ${event.inputTokens} in, ${event.outputTokens} out`;
    case 'file':
      return `${event.operation} ${event.path}`;
    case 'outbound':
      return `${event.method ?? event.protocol} ${event.url ?? event.host}`;
    case 'masking':
      return `${event.count} masked: ${event.fields.join(', ')}`;
    case 'policy':
      return event.rule ?? null;
    case 'lifecycle':
      return event.action;
    default:
      return null;
  }
}
