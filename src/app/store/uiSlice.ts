import type { XAxisMode } from '../lib/series';
import type { Slice } from './types';

export type View = 'train' | 'compare' | 'inspect' | 'learn';
export const VIEWS: readonly View[] = ['train', 'compare', 'inspect', 'learn'];

export interface Notice {
  id: number;
  kind: 'info' | 'error' | 'undo';
  text: string;
}

export interface UiSlice {
  view: View;
  /** EMA weight 0..0.99 (0 = raw). */
  smoothing: number;
  xAxis: XAxisMode;
  notices: Notice[];
  setView: (view: View) => void;
  setSmoothing: (v: number) => void;
  setXAxis: (mode: XAxisMode) => void;
  notify: (kind: Notice['kind'], text: string) => number;
  dismiss: (id: number) => void;
}

let nextNoticeId = 1;

export const createUiSlice: Slice<UiSlice> = (set) => ({
  view: 'train',
  smoothing: 0.6,
  xAxis: 'iteration',
  notices: [],
  setView: (view) => set({ view }),
  setSmoothing: (smoothing) => set({ smoothing: Math.min(0.99, Math.max(0, smoothing)) }),
  setXAxis: (xAxis) => set({ xAxis }),
  notify: (kind, text) => {
    const id = nextNoticeId++;
    set((s) => ({ notices: [...s.notices.filter((n) => n.text !== text), { id, kind, text }].slice(-5) }));
    return id;
  },
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});
