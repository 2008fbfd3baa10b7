import type { StateCreator } from 'zustand';
import type { ConfigSlice } from './configSlice';
import type { RunsSlice } from './runsSlice';
import type { UiSlice } from './uiSlice';
import type { WorkerSlice } from './workerSlice';
import type { CompareSlice } from './compareSlice';

export type AppState = WorkerSlice & ConfigSlice & RunsSlice & UiSlice & CompareSlice;
export type Slice<T> = StateCreator<AppState, [], [], T>;
