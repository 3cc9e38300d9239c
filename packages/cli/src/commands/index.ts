import type { Command } from '../command';
import { alertsCreate, alertsDelete, alertsDeliveries, alertsList, alertsShow } from './alerts';
import { hook } from './hook';
import { keysCreate } from './keys';
import { rec } from './rec';
import { serve } from './serve';
import { spoolDrain } from './spool';
import { tokenCreate } from './token';
import { verify } from './verify';

/** Every verb of `auditlane`, in the order its help lists them. */
export const COMMANDS: readonly Command[] = [
  serve,
  tokenCreate,
  verify,
  keysCreate,
  rec,
  hook,
  spoolDrain,
  alertsList,
  alertsCreate,
  alertsShow,
  alertsDeliveries,
  alertsDelete,
];
