import { create } from 'zustand';
import type { PlaybookRun, PlaybookSummary, PlaybookView, ValidationResult } from '../../../main/contract/playbooks.js';
import { api, errorMessage } from '../../api/index.js';
import { toastFailure, toastSuccess } from '../../stores/toasts.js';

export interface PlaybooksState {
  playbooks: PlaybookSummary[];
  paused: boolean;
  runs: PlaybookRun[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** The playbook open in the editor (null: a new one), its text, and the last validation. */
  editing: { id: string | null; source: string; validation: ValidationResult | null } | null;
  dryRuns: PlaybookRun[] | null;
  busy: boolean;
  load(): Promise<void>;
  open(id: string | null): Promise<void>;
  /** Opens a document (an imported file) in the editor; it is saved only when the analyst saves it. */
  openSource(source: string): void;
  edit(source: string): void;
  close(): void;
  validate(): Promise<void>;
  save(): Promise<void>;
  setEnabled(id: string, enabled: boolean): Promise<void>;
  setPaused(paused: boolean): Promise<void>;
  dryRun(id: string, alertId: number | null, last: number | null): Promise<void>;
  approve(runId: string, edits: Record<string, unknown> | undefined): Promise<boolean>;
  reject(runId: string, reason: string): Promise<boolean>;
}

export const NEW_PLAYBOOK = `id: my-playbook
name: My playbook
version: 1
description: What it is for.
enabled: false
trigger:
  manual: true
  # alert: {on: [created], severity_min: high, threat_type: [brute_force]}
steps:
  - id: note
    type: note
    text: "Looked at {{alert.src_ip}} ({{playbook.name}})"
`;

export const usePlaybooks = create<PlaybooksState>((set, get) => {
  const guard = async (work: () => Promise<void>) => {
    set({ busy: true });
    try {
      await work();
    } catch (err) {
      toastFailure(err);
    } finally {
      set({ busy: false });
    }
  };
  return {
    playbooks: [],
    paused: false,
    runs: [],
    status: 'idle',
    error: null,
    editing: null,
    dryRuns: null,
    busy: false,

    async load() {
      if (get().status === 'idle') set({ status: 'loading' });
      try {
        const [list, runs] = await Promise.all([api.call('playbooks.list'), api.call('playbooks.runs', { limit: 100 })]);
        set({ playbooks: list.playbooks, paused: list.paused, runs, status: 'ready', error: null });
      } catch (err) {
        set({ status: get().playbooks.length ? 'ready' : 'error', error: errorMessage(err) });
      }
    },

    async open(id) {
      set({ dryRuns: null });
      if (id === null) return set({ editing: { id: null, source: NEW_PLAYBOOK, validation: null } });
      await guard(async () => {
        const p: PlaybookView = await api.call('playbooks.get', { id });
        set({ editing: { id, source: p.source, validation: null } });
      });
    },

    openSource(source) {
      set({ editing: { id: null, source, validation: null }, dryRuns: null });
      void get().validate();
    },

    edit(source) {
      const e = get().editing;
      if (e) set({ editing: { ...e, source, validation: null } });
    },

    close() {
      set({ editing: null, dryRuns: null });
    },

    async validate() {
      const e = get().editing;
      if (!e) return;
      await guard(async () => {
        const validation = await api.call('playbooks.validate', { source: e.source });
        set({ editing: { ...e, validation } });
      });
    },

    async save() {
      const e = get().editing;
      if (!e) return;
      await guard(async () => {
        const validation = await api.call('playbooks.validate', { source: e.source });
        if (!validation.ok) return set({ editing: { ...e, validation } });
        const p = await api.call('playbooks.save', { source: e.source });
        set({ editing: { id: p.id, source: p.source, validation } });
        toastSuccess(`Saved ${p.name} (version ${p.version})`);
        await get().load();
      });
    },

    async setEnabled(id, enabled) {
      await guard(async () => {
        await api.call('playbooks.setEnabled', { id, enabled });
        await get().load();
      });
    },

    async setPaused(paused) {
      await guard(async () => {
        await api.call('playbooks.setPaused', { paused });
        await get().load();
      });
    },

    async dryRun(id, alertId, last) {
      await guard(async () => {
        const runs = await api.call('playbooks.dryRun', { id, ...(alertId ? { alert_id: alertId } : {}), ...(last ? { last } : {}) });
        set({ dryRuns: runs });
      });
    },

    async approve(runId, edits) {
      let ok = false;
      await guard(async () => {
        const r = await api.call('playbooks.approve', { run_id: runId, ...(edits ? { edits } : {}) });
        ok = true;
        toastSuccess(`Approved: the run ${r.status === 'succeeded' ? 'finished' : `is ${r.status.replace('_', ' ')}`}`);
        await get().load();
      });
      return ok;
    },

    async reject(runId, reason) {
      let ok = false;
      await guard(async () => {
        await api.call('playbooks.reject', { run_id: runId, ...(reason ? { reason } : {}) });
        ok = true;
        await get().load();
      });
      return ok;
    },
  };
});
