import { z } from 'zod';

/**
 * Non-secret settings. Secrets (API keys, passwords, feed JWT secrets) never live here: they go
 * to the OS keychain through main/secrets.
 */
export const Settings = z
  .object({
    theme: z.enum(['dark', 'light']).default('dark'),
    /** Rows per page the Alerts screen asks for. */
    alertsPageSize: z.number().int().min(25).max(500).default(100),
    /** Whether resolving an alert or marking it a false positive requires a note. */
    requireNoteOnClose: z.boolean().default(true),
    /** Analyst name written to the audit log for actions taken in this console. */
    analystName: z.string().trim().min(1).max(64).default('analyst'),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = Settings.parse({});

/** A partial update: every key optional, unknown keys refused. */
export const SettingsPatch = Settings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
