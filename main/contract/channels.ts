import { z } from 'zod';
import { AppHealth, AppInfo } from './app.js';
import {
  AlertDetail,
  AlertsGetRequest,
  AlertsListRequest,
  AlertsListResponse,
  AlertsSetStatusRequest,
  SetStatusResult,
} from './alerts.js';
import { Settings, SettingsPatch } from './settings.js';
import {
  PipelineStatus,
  QuarantineListRequest,
  QuarantineListResponse,
  Suppression,
  SuppressionCreateRequest,
} from './pipeline.js';
import { consoleChannels } from './console.js';
import { feedChannels } from './feed.js';
import { connectorChannels } from './connectors.js';
import { wazuhChannels } from './wazuh.js';
import { casesChannels } from './cases.js';
import { reportsChannels } from './reports.js';
import { huntChannels } from './hunt.js';
import { scansChannels } from './scans.js';
import { findingsChannels } from './findings.js';
import { playbooksChannels } from './playbooks.js';

const Empty = z.object({}).strict().default({});

/**
 * Every call the renderer can make, declared once: the request schema (validated by every
 * transport before a handler runs) and the response schema (the handler's return type).
 */
export const channels = {
  'app.info': { request: Empty, response: AppInfo },
  'app.health': { request: Empty, response: AppHealth },
  'settings.get': { request: Empty, response: Settings },
  'settings.set': { request: z.object({ patch: SettingsPatch }).strict(), response: Settings },
  'alerts.list': { request: AlertsListRequest, response: AlertsListResponse },
  'alerts.get': { request: AlertsGetRequest, response: AlertDetail },
  'alerts.setStatus': { request: AlertsSetStatusRequest, response: SetStatusResult },
  'pipeline.status': { request: Empty, response: PipelineStatus },
  'quarantine.list': { request: QuarantineListRequest, response: QuarantineListResponse },
  'suppressions.list': { request: Empty, response: z.array(Suppression) },
  'suppressions.create': { request: SuppressionCreateRequest, response: Suppression },
  'suppressions.remove': { request: z.object({ id: z.number().int().positive() }).strict(), response: z.object({ removed: z.boolean() }) },
  ...consoleChannels,
  ...feedChannels,
  ...connectorChannels,
  ...wazuhChannels,
  ...casesChannels,
  ...reportsChannels,
  ...huntChannels,
  ...scansChannels,
  ...findingsChannels,
  ...playbooksChannels,
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
/** What a caller passes (defaults may be omitted). */
export type RequestInput<C extends ChannelName> = z.input<Channels[C]['request']>;
/** What a handler receives (after parsing: defaults filled in). */
export type Request<C extends ChannelName> = z.output<Channels[C]['request']>;
export type Response<C extends ChannelName> = z.output<Channels[C]['response']>;

export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}
