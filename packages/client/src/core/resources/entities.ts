import type { RequestOptions } from '../../internal/transport';
import {
  type EntityDetail,
  type EntityKind,
  type EntityParams,
  entityDetailSchema,
  entityKindSchema,
  entityQuerySchema,
  toSearchParams,
} from '../../model';
import { check, Resource, segment } from './base';

export class Entities extends Resource {
  /**
   * An entity of the org's index (`kind` and its normalised key, e.g. `('file', '/src/auth.ts')`):
   * first and last seen, its actors, and a page of its sessions, newest first (pass
   * `sessions.nextCursor` back as `cursor` for the next page).
   */
  get(
    kind: EntityKind,
    key: string,
    params: EntityParams = {},
    options?: RequestOptions,
  ): Promise<EntityDetail> {
    check(entityKindSchema, kind, 'entities.get kind');
    check(entityQuerySchema, params, 'entities.get params');
    return this.transport.json(
      {
        method: 'GET',
        path: `/v1/entities/${segment(kind, 'kind')}/${segment(key, 'key')}`,
        query: toSearchParams(params),
        idempotent: true,
        what: 'entities.get',
      },
      entityDetailSchema,
      options,
    );
  }
}
