import { create } from 'zustand';
import { ApiError, errorMessage } from '../../api/index.js';
import { useSettings } from '../../stores/settings.js';
import { buildPatch, fieldState, mapIssues, parseDraft, SECTIONS, type DraftValue, type Edit, type FormKey, type SectionId } from './model.js';

export interface SectionForm {
  /** Fields the analyst touched, with the saved value each edit started from. */
  edits: Partial<Record<FormKey, Edit>>;
  /** Inline messages: the client-side checks and the backend's issues. */
  errors: Partial<Record<FormKey, string>>;
  /** Why the last save failed, with the issues no field took. */
  formError: { message: string; issues: string[] } | null;
  saving: boolean;
  /** When the last save succeeded (cleared by the next edit). */
  savedAt: number | null;
}

export type SaveResult = { ok: true } | { ok: false; focus: FormKey | null };

interface FormState {
  sections: Record<SectionId, SectionForm>;
  edit(section: SectionId, key: FormKey, value: DraftValue): void;
  /** Shows the field's message, if any (on blur). */
  check(section: SectionId, key: FormKey): void;
  /** Back to the saved values: drops the section's edits and messages. */
  reset(section: SectionId): void;
  save(section: SectionId): Promise<SaveResult>;
  clearSaved(section: SectionId): void;
}

const empty = (): SectionForm => ({ edits: {}, errors: {}, formError: null, saving: false, savedAt: null });

/**
 * The Settings screen's drafts, one per section (kept while the analyst visits other screens).
 * The saved values come from the settings store, which `settings.changed` keeps current, so
 * untouched fields follow changes made elsewhere and edits stay as they are.
 */
export const useSettingsForm = create<FormState>((set, get) => {
  const patchSection = (section: SectionId, patch: Partial<SectionForm> | ((s: SectionForm) => Partial<SectionForm>)) =>
    set((st) => {
      const cur = st.sections[section];
      return { sections: { ...st.sections, [section]: { ...cur, ...(typeof patch === 'function' ? patch(cur) : patch) } } };
    });

  return {
    sections: { analyst: empty(), detection: empty(), geo: empty(), retention: empty() },

    edit(section, key, value) {
      const saved = useSettings.getState().settings;
      if (!saved) return;
      patchSection(section, (s) => {
        const prev = s.edits[key];
        // a field that followed a change made elsewhere starts from the value it shows
        const from = prev && fieldState(key, saved, prev).dirty ? prev.from : saved[key];
        const errors = { ...s.errors };
        delete errors[key];
        return { edits: { ...s.edits, [key]: { value, from } }, errors, savedAt: null };
      });
    },

    check(section, key) {
      const saved = useSettings.getState().settings;
      if (!saved) return;
      const s = get().sections[section];
      const f = fieldState(key, saved, s.edits[key]);
      if (!f.dirty) return;
      const p = parseDraft(key, f.value);
      if (!p.ok) patchSection(section, (cur) => ({ errors: { ...cur.errors, [key]: p.error } }));
    },

    reset(section) {
      patchSection(section, empty());
    },

    clearSaved(section) {
      patchSection(section, { savedAt: null });
    },

    async save(section) {
      const saved = useSettings.getState().settings;
      const s = get().sections[section];
      if (!saved || s.saving) return { ok: false, focus: null };
      const keys = SECTIONS[section];
      const { patch, sent, errors } = buildPatch(keys, saved, s.edits);
      const invalid = keys.filter((k) => errors[k] !== undefined);
      if (invalid.length > 0) {
        patchSection(section, (cur) => ({ errors: { ...cur.errors, ...errors }, formError: null, savedAt: null }));
        return { ok: false, focus: invalid[0] ?? null };
      }
      if (Object.keys(patch).length === 0) {
        patchSection(section, { edits: {}, errors: {}, formError: null });
        return { ok: true };
      }
      patchSection(section, { saving: true, formError: null, savedAt: null });
      try {
        await useSettings.getState().save(patch);
        patchSection(section, (cur) => {
          // keep only what was typed while the save was in flight
          const edits = { ...cur.edits };
          for (const key of keys) {
            const e = edits[key];
            if (e && (!(key in sent) || e.value === sent[key])) delete edits[key];
          }
          return { edits, errors: {}, formError: null, saving: false, savedAt: Date.now() };
        });
        return { ok: true };
      } catch (err) {
        if (err instanceof ApiError && err.code === 'BAD_REQUEST' && err.issues?.length) {
          const { fields, rest } = mapIssues(err.issues, keys);
          patchSection(section, (cur) => ({
            saving: false,
            errors: { ...cur.errors, ...fields },
            formError: rest.length > 0 ? { message: `Not saved: ${err.message}`, issues: rest } : null,
          }));
          return { ok: false, focus: keys.find((k) => fields[k] !== undefined) ?? null };
        }
        patchSection(section, { saving: false, formError: { message: `Not saved: ${errorMessage(err)}`, issues: [] } });
        return { ok: false, focus: null };
      }
    },
  };
});
