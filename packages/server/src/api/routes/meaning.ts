import {
  entityId,
  entityKeySchema,
  entityKindSchema,
  entityQuerySchema,
  OPERATIONS,
  overviewQuerySchema,
} from '@auditlane/client';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import {
  type Deps,
  type Env,
  notFound,
  parseBody,
  parseQuery,
  route,
  sessionParam,
} from '../context';

const entityPathSchema = z.object({ kind: entityKindSchema, key: entityKeySchema });

/** The meaning layer's reads: the overview, a session's relationships, an entity. */
export function meaningRoutes(deps: Deps) {
  const { store, cfg } = deps;
  const app = new Hono<Env>();
  const org = (c: Context<Env>) => c.get('principal').org;

  route(app, deps, OPERATIONS.getOverview, async (c) => {
    const query = parseQuery(c, overviewQuerySchema);
    return c.json(await store.overview(org(c), query, cfg.now()));
  });

  route(app, deps, OPERATIONS.getSessionRelationships, async (c) => {
    const id = sessionParam(c);
    const relationships = await store.sessionRelationships(org(c), id);
    if (!relationships) throw notFound('session', id);
    return c.json(relationships);
  });

  route(app, deps, OPERATIONS.getEntity, async (c) => {
    // The key arrives URL-encoded (a file path's slashes as %2F); Hono decodes it.
    const ref = parseBody(
      entityPathSchema,
      { kind: c.req.param('kind'), key: c.req.param('key') },
      'path parameters',
    );
    const query = parseQuery(c, entityQuerySchema);
    const entity = await store.getEntity(org(c), ref, query);
    if (!entity) throw notFound('entity', entityId(ref));
    return c.json(entity);
  });

  return app;
}
