import type { z } from 'zod';
import type { Transport } from '../../internal/transport';
import { InvalidParamsError } from '../error';

export abstract class Resource {
  protected readonly transport: Transport;

  constructor(transport: Transport) {
    this.transport = transport;
  }
}

/** Checks caller input against a schema so mistakes fail before a request, naming the field. */
export function check<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidParamsError(what, parsed.error);
  return parsed.data;
}

export function segment(value: string, what: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidParamsError(what, {
      issues: [{ code: 'custom', path: [], message: 'must be a non-empty string', input: value }],
    } as unknown as z.ZodError);
  }
  return encodeURIComponent(value);
}
