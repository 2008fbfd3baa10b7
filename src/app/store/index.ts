import { create } from 'zustand';
import { createCompareSlice } from './compareSlice';
import { createConfigSlice } from './configSlice';
import { createInspectSlice } from './inspectSlice';
import { createLearnSlice } from './learnSlice';
import { createRunsSlice } from './runsSlice';
import { createStorageSlice } from './storageSlice';
import { createToolsSlice } from './toolsSlice';
import type { AppState } from './types';
import { createUiSlice } from './uiSlice';
import { createWorkerSlice } from './workerSlice';

/** One store, in slices: worker, config draft, runs + metrics, UI settings, comparison, inspector, lessons, storage and other tabs. */
export const useApp = create<AppState>()((...a) => ({
  ...createUiSlice(...a),
  ...createWorkerSlice(...a),
  ...createConfigSlice(...a),
  ...createRunsSlice(...a),
  ...createCompareSlice(...a),
  ...createInspectSlice(...a),
  ...createLearnSlice(...a),
  ...createStorageSlice(...a),
  ...createToolsSlice(...a),
}));

export type { AppState };
