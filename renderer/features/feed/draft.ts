import { create } from 'zustand';
import type { FeedConfig } from '../../../main/contract/feed.js';
import { useFeed } from '../../stores/feed.js';
import { buildRequest, draftFromConfig, type FeedDraft, type FieldErrors } from './model.js';

/**
 * The settings form's draft, shared by the form and the on/off switch (turning the feed on
 * applies unsaved settings too). It follows the saved configuration while it has no edits.
 */
interface DraftState {
  /** The saved configuration the draft started from. */
  base: FeedConfig | null;
  draft: FeedDraft | null;
  /** Field messages: client-side checks and contract issues. */
  fieldErrors: FieldErrors;
  /** Contract error of the last save, with the issues no field took. */
  formError: { message: string; issues: string[] } | null;
  /** The saved configuration changed elsewhere (CLI, another window) while the form had edits. */
  stale: boolean;
  edit(patch: Partial<FeedDraft>): void;
  editDialect(d: keyof FeedDraft['dialects'], patch: Partial<FeedDraft['dialects'][keyof FeedDraft['dialects']]>): void;
  /** Back to the saved configuration. */
  reset(config?: FeedConfig): void;
  setErrors(fieldErrors: FieldErrors, formError: DraftState['formError']): void;
}

export const useFeedDraft = create<DraftState>((set, get) => ({
  base: null,
  draft: null,
  fieldErrors: {},
  formError: null,
  stale: false,

  edit(patch) {
    const d = get().draft;
    if (!d) return;
    const cleared = { ...get().fieldErrors };
    for (const k of Object.keys(patch)) {
      if (k === 'host' || k === 'port') delete cleared[k];
      if (k === 'maxClients') delete cleared.max_clients;
      if (k === 'maxPerAddress') delete cleared.max_per_address;
      if (k === 'maxPerToken') delete cleared.max_per_token;
      if (k === 'jwtMaxLifetimeHours') delete cleared['jwt.max_lifetime_hours'];
      if (k === 'jwtAudience') delete cleared['jwt.audience'];
      if (k === 'certPath') delete cleared['tls.cert_path'];
      if (k === 'keyPath') delete cleared['tls.key_path'];
      if (k === 'tlsMode') delete cleared.tls;
      if (k === 'ipsPort') delete cleared['dialects.ips.port'];
      if (k === 'roleClaim') delete cleared['jwt.role_claim'];
      if (k === 'roleMap') delete cleared['jwt.role_map'];
      if (k === 'jwtSecret') delete cleared.jwt_secret;
    }
    set({ draft: { ...d, ...patch }, fieldErrors: cleared });
  },

  editDialect(name, patch) {
    const d = get().draft;
    if (!d) return;
    const cleared = { ...get().fieldErrors };
    delete cleared[`dialects.${name}.allow`];
    set({ draft: { ...d, dialects: { ...d.dialects, [name]: { ...d.dialects[name], ...patch } } }, fieldErrors: cleared });
  },

  reset(config) {
    const base = config ?? useFeed.getState().status?.config ?? null;
    set({ base, draft: base ? draftFromConfig(base) : null, fieldErrors: {}, formError: null, stale: false });
  },

  setErrors(fieldErrors, formError) {
    set({ fieldErrors, formError });
  },
}));

/** Whether the draft holds edits that are not saved. */
export function draftDirty(s: Pick<DraftState, 'base' | 'draft'>): boolean {
  if (!s.base || !s.draft) return false;
  return buildRequest(s.draft, s.base).changed;
}

// Follow the saved configuration: adopt it while there are no edits, else flag the form stale.
useFeed.subscribe((state, prev) => {
  const config = state.status?.config;
  if (!config || config === prev.status?.config) return;
  const d = useFeedDraft.getState();
  if (d.base && JSON.stringify(d.base) === JSON.stringify(config)) return;
  if (!d.draft || !d.base || !draftDirty(d) || !buildRequest(d.draft, config).changed) return d.reset(config);
  // Only turned on or off: the edits still apply on top of it.
  if (JSON.stringify({ ...d.base, enabled: config.enabled }) === JSON.stringify(config)) return useFeedDraft.setState({ base: config });
  useFeedDraft.setState({ stale: true });
});
