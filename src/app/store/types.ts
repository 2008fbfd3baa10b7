import type { StateCreator } from 'zustand';
import type { ConfigSlice } from './configSlice';
import type { RunsSlice } from './runsSlice';
import type { UiSlice } from './uiSlice';
import type { WorkerSlice } from './workerSlice';
import type { CompareSlice } from './compareSlice';
import type { InspectSlice } from './inspectSlice';
import type { LearnSlice } from './learnSlice';
import type { StorageSlice } from './storageSlice';
import type { ToolsSlice } from './toolsSlice';

export type AppState = WorkerSlice & ConfigSlice & RunsSlice & UiSlice & CompareSlice & InspectSlice & LearnSlice & StorageSlice & ToolsSlice;
export type Slice<T> = StateCreator<AppState, [], [], T>;
