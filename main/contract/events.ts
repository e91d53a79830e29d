import { z } from 'zod';
import { Settings } from './settings.js';
import { PipelineMetrics } from './pipeline.js';
import { consoleEvents } from './console.js';
import { feedEvents } from './feed.js';
import { connectorEvents } from './connectors.js';
import { wazuhEvents } from './wazuh.js';
import { casesEvents } from './cases.js';
import { playbooksEvents } from './playbooks.js';
import { scansEvents } from './scans.js';

/** Every push event main sends to the renderer, declared once. */
export const events = {
  /** Alerts were created, updated or changed status. Batched: one event per write batch. */
  'alerts.changed': z.object({
    reason: z.enum(['created', 'updated', 'status', 'bulk']),
    ids: z.array(z.number().int()),
    /** Present when ids were too many to list: how many alerts changed. */
    total: z.number().int(),
  }),
  'settings.changed': Settings,
  /** Figures of this process's pipeline, about once a second while it runs. */
  'pipeline.metrics': PipelineMetrics,
  ...consoleEvents,
  ...feedEvents,
  ...connectorEvents,
  ...wazuhEvents,
  ...casesEvents,
  ...playbooksEvents,
  ...scansEvents,
} as const satisfies Record<string, z.ZodType>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
