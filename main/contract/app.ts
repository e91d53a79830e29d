import { z } from 'zod';

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  data_dir: z.string(),
  db_path: z.string(),
  schema_version: z.number().int(),
  /** 'desktop' inside Electron, 'headless' under `vigil serve`. */
  mode: z.enum(['desktop', 'headless']),
  platform: z.string(),
  node_version: z.string(),
  electron_version: z.string().nullable(),
  attributions: z.array(z.object({ name: z.string(), notice: z.string() })),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const HealthCheck = z.object({
  name: z.string(),
  ok: z.boolean(),
  detail: z.string(),
});

export const AppHealth = z.object({
  ok: z.boolean(),
  uptime_s: z.number(),
  checks: z.array(HealthCheck),
  db: z.object({
    size_bytes: z.number(),
    wal_bytes: z.number(),
    alerts: z.number().int(),
    journal_mode: z.string(),
  }),
  memory: z.object({ rss_bytes: z.number(), heap_used_bytes: z.number() }),
});
export type AppHealth = z.infer<typeof AppHealth>;
