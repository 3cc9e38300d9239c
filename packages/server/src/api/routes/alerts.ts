import {
  alertDeliveryListQuerySchema,
  alertIdSchema,
  alertListQuerySchema,
  createAlertSchema,
  OPERATIONS,
  updateAlertSchema,
} from '@auditlane/client';
import { type Context, Hono } from 'hono';
import { readJsonBody } from '../body';
import { type Deps, type Env, notFound, parseBody, parseQuery, route } from '../context';
import { HttpError } from '../errors';

export function alertRoutes(deps: Deps) {
  const { store, cfg } = deps;
  const app = new Hono<Env>();
  const org = (c: Context<Env>) => c.get('principal').org;

  /** The alert id of the path; a malformed one cannot exist (404, like any unknown id). */
  const alertParam = (c: Context<Env>): string => {
    const id = c.req.param('alertId') ?? '';
    if (!alertIdSchema.safeParse(id).success)
      throw new HttpError(404, 'not_found', `no alert ${id} (not an alert id)`);
    return id;
  };

  route(app, deps, OPERATIONS.listAlerts, async (c) => {
    const query = parseQuery(c, alertListQuerySchema);
    return c.json(await store.alerts.listAlerts(org(c), query));
  });

  route(app, deps, OPERATIONS.createAlert, async (c) => {
    const input = parseBody(createAlertSchema, await readJsonBody(c.req.raw, cfg.maxBodyBytes));
    return c.json(await store.alerts.createAlert(org(c), input, cfg.now()), 201);
  });

  route(app, deps, OPERATIONS.getAlert, async (c) => {
    const id = alertParam(c);
    const alert = await store.alerts.getAlert(org(c), id);
    if (!alert) throw notFound('alert', id);
    return c.json(alert);
  });

  route(app, deps, OPERATIONS.updateAlert, async (c) => {
    const id = alertParam(c);
    const patch = parseBody(updateAlertSchema, await readJsonBody(c.req.raw, cfg.maxBodyBytes));
    const alert = await store.alerts.updateAlert(org(c), id, patch, cfg.now());
    if (!alert) throw notFound('alert', id);
    return c.json(alert);
  });

  route(app, deps, OPERATIONS.deleteAlert, async (c) => {
    const id = alertParam(c);
    if (!(await store.alerts.deleteAlert(org(c), id))) throw notFound('alert', id);
    return c.body(null, 204);
  });

  route(app, deps, OPERATIONS.listAlertDeliveries, async (c) => {
    const id = alertParam(c);
    const query = parseQuery(c, alertDeliveryListQuerySchema);
    if (!(await store.alerts.getAlert(org(c), id))) throw notFound('alert', id);
    return c.json(await store.alerts.listDeliveries(org(c), id, query));
  });

  route(app, deps, OPERATIONS.testAlert, async (c) => {
    const id = alertParam(c);
    const alert = await store.alerts.getAlert(org(c), id);
    if (!alert) throw notFound('alert', id);
    const delivery = cfg.alerts
      ? await cfg.alerts.test(org(c), alert)
      : await store.alerts.createTestDelivery(org(c), alert, cfg.now());
    return c.json(delivery, 202);
  });

  return app;
}
