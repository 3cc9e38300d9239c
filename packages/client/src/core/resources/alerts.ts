import type { RequestOptions } from '../../internal/transport';
import {
  type Alert,
  type AlertCreated,
  type AlertDelivery,
  type AlertDeliveryListParams,
  type AlertListParams,
  alertCreatedSchema,
  alertDeliveryListQuerySchema,
  alertDeliveryPageSchema,
  alertDeliverySchema,
  alertListQuerySchema,
  alertPageSchema,
  alertSchema,
  type CreateAlert,
  createAlertSchema,
  toSearchParams,
  type UpdateAlert,
  updateAlertSchema,
} from '../../model';
import { CursorPage, PagePromise } from '../pagination';
import { check, Resource, segment } from './base';

/** Saved searches that send a signed webhook when a session newly matches. */
export class Alerts extends Resource {
  /** Newest first; `for await` walks every alert. */
  list(params: AlertListParams = {}, options?: RequestOptions): PagePromise<Alert> {
    check(alertListQuerySchema, params, 'alerts.list params');
    const fetchPage = async (cursor?: string): Promise<CursorPage<Alert>> => {
      const page = await this.transport.json(
        {
          method: 'GET',
          path: '/v1/alerts',
          query: toSearchParams(cursor ? { ...params, cursor } : params),
          idempotent: true,
          what: 'alerts.list',
        },
        alertPageSchema,
        options,
      );
      return new CursorPage(page, fetchPage);
    };
    return new PagePromise(() => fetchPage());
  }

  /** Creates an alert; the answer holds its signing secret, shown this once. */
  create(body: CreateAlert, options?: RequestOptions): Promise<AlertCreated> {
    check(createAlertSchema, body, 'alerts.create body');
    return this.transport.json(
      {
        method: 'POST',
        path: '/v1/alerts',
        body: JSON.stringify(body),
        contentType: 'application/json',
        idempotent: false,
        what: 'alerts.create',
      },
      alertCreatedSchema,
      options,
    );
  }

  get(alertId: string, options?: RequestOptions): Promise<Alert> {
    return this.transport.json(
      {
        method: 'GET',
        path: `/v1/alerts/${segment(alertId, 'alertId')}`,
        idempotent: true,
        what: 'alerts.get',
      },
      alertSchema,
      options,
    );
  }

  /** Changes its name, query, URL or whether it is enabled. */
  update(alertId: string, body: UpdateAlert, options?: RequestOptions): Promise<Alert> {
    check(updateAlertSchema, body, 'alerts.update body');
    return this.transport.json(
      {
        method: 'PATCH',
        path: `/v1/alerts/${segment(alertId, 'alertId')}`,
        body: JSON.stringify(body),
        contentType: 'application/json',
        idempotent: true,
        what: 'alerts.update',
      },
      alertSchema,
      options,
    );
  }

  /** Deletes it with its delivery log; pending deliveries are never sent. */
  async delete(alertId: string, options?: RequestOptions): Promise<void> {
    const response = await this.transport.send(
      {
        method: 'DELETE',
        path: `/v1/alerts/${segment(alertId, 'alertId')}`,
        idempotent: false,
        what: 'alerts.delete',
      },
      options,
    );
    await response.body?.cancel();
  }

  /** Its delivery log, newest first: attempts, last answer or error, and the outcome. */
  deliveries(
    alertId: string,
    params: AlertDeliveryListParams = {},
    options?: RequestOptions,
  ): PagePromise<AlertDelivery> {
    check(alertDeliveryListQuerySchema, params, 'alerts.deliveries params');
    const fetchPage = async (cursor?: string): Promise<CursorPage<AlertDelivery>> => {
      const page = await this.transport.json(
        {
          method: 'GET',
          path: `/v1/alerts/${segment(alertId, 'alertId')}/deliveries`,
          query: toSearchParams(cursor ? { ...params, cursor } : params),
          idempotent: true,
          what: 'alerts.deliveries',
        },
        alertDeliveryPageSchema,
        options,
      );
      return new CursorPage(page, fetchPage);
    };
    return new PagePromise(() => fetchPage());
  }

  /** Queues an `alert.test` message to its URL, signed like the others. */
  test(alertId: string, options?: RequestOptions): Promise<AlertDelivery> {
    return this.transport.json(
      {
        method: 'POST',
        path: `/v1/alerts/${segment(alertId, 'alertId')}/test`,
        idempotent: false,
        what: 'alerts.test',
      },
      alertDeliverySchema,
      options,
    );
  }
}
