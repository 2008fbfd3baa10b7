import type { RunConfig } from '../../engine/config';
import { configToDraft, parseDraft, valueAt, type Draft, type DraftValue } from '../lib/fields';
import { decodeHash, encodeHash, linkNotice } from '../lib/hash';
import { lessonById, lessonConfigHash, lessonParam, withLesson } from '../lessons';
import { presetConfig, switchPreset } from '../lib/presets';
import type { Slice } from './types';

/**
 * The config being edited in the Train view: raw input values (so a half-typed number can
 * be shown as wrong at its field), the preset they started from, and the parse result.
 * Every valid change is written to the URL hash.
 */
export interface ConfigSlice {
  preset: string;
  draft: Draft;
  /** The parsed config, or null while any field is invalid (Start is refused then). */
  config: RunConfig | null;
  /** The last config that parsed: what preset switches build on. */
  lastValid: RunConfig;
  errors: Record<string, string>;
  setField: (path: string, value: DraftValue) => void;
  choosePreset: (id: string) => void;
  loadConfig: (config: RunConfig) => void;
  resetDraft: () => void;
  /** Read the URL hash (page load, a pasted link, `#lesson=<id>`); bad parts become notices. */
  loadHash: (hash: string) => void;
  /** Write the URL hash for the current config (and lesson) again. */
  syncHash: () => void;
}

export const createConfigSlice: Slice<ConfigSlice> = (set, get) => {
  const hashOf = (preset: string, config: RunConfig): string => {
    const lesson = lessonById(get().lessonId);
    if (!lesson) return encodeHash(preset, config);
    // A lesson's own settings are written even where they equal the preset's, so a reload of
    // the link keeps an edit back to the preset value rather than re-applying the lesson's.
    const params = new URLSearchParams(encodeHash(preset, config).slice(1));
    for (const path of Object.keys(lesson.settings)) params.set(path, String(valueAt(config, path)));
    return withLesson(`#${params.toString()}`, lesson.id);
  };
  const commit = (preset: string, draft: Draft) => {
    const { config, errors } = parseDraft(draft, preset);
    set((s) => ({ preset, draft, config, errors, lastValid: config ?? s.lastValid }));
    if (config) writeHash(hashOf(preset, config));
  };
  const initial = decodeHash(''); // bootstrap() reads the real hash, so its notices are shown
  return {
    preset: initial.preset,
    draft: configToDraft(initial.config),
    config: initial.config,
    lastValid: initial.config,
    errors: {},
    setField: (path, value) => commit(get().preset, { ...get().draft, [path]: value }),
    choosePreset: (id) => {
      const { preset, config, lastValid } = get();
      const next = switchPreset(preset, id, config ?? lastValid);
      commit(id, configToDraft(next));
    },
    loadConfig: (config) => commit(config.preset, configToDraft(config)),
    resetDraft: () => commit(get().preset, configToDraft(presetConfig(get().preset))),
    loadHash: (hash) => {
      const id = lessonParam(hash);
      const lesson = lessonById(id);
      if (id !== null && !lesson) get().notify('error', `URL: unknown lesson "${id}".`);
      const rest = hash.replace(/(^#|&)lesson=[^&]*/, '$1');
      const state = decodeHash(lesson ? lessonConfigHash(lesson, hash) : rest);
      // A link with nothing usable in it (all of it wrong) changes nothing: the page keeps its
      // config and lesson, says what was wrong, and puts its own link back in the address bar.
      if (!lesson && (!state.usable || (id !== null && /^#?&*$/.test(rest)))) {
        const notice = linkNotice(state.notices); if (notice) get().notify('error', notice);
        get().notify('error', 'URL: nothing in the link could be used, so nothing was changed.');
        get().syncHash();
        return;
      }
      // A lesson link: the lesson's preset and settings, under whatever else the link says.
      set({ lessonId: lesson?.id ?? null, lessonStep: 0, showAllControls: false, ...(lesson ? { view: 'train' as const } : {}) });
      commit(state.preset, configToDraft(state.config));
      const notice = linkNotice(state.notices); if (notice) get().notify('error', notice);
    },
    syncHash: () => {
      const { preset, config } = get();
      if (config) writeHash(hashOf(preset, config));
    },
  };
};

let lastWritten = '';
function writeHash(hash: string): void {
  // (A link pasted over ours changes the address bar without us: put ours back even if unchanged.)
  if (typeof history === 'undefined' || (hash === lastWritten && location.hash === hash)) return;
  lastWritten = hash;
  if (location.hash !== hash) history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
}

/** True if the hash is one this page wrote itself (so a hashchange listener can ignore it). */
export const isOwnHash = (hash: string): boolean => hash === lastWritten;
