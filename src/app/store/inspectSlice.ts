import type { AttentionResult } from '../../worker/client';
import type { GroupFilter, GroupOrder, HeatMode } from '../lib/inspect';
import { errorText } from '../../engine/issues';
import type { Slice } from './types';

/**
 * The Inspect view's choices: which run, which stored batch (by iteration; null = the newest),
 * which prompt, the token heatmap, how groups are sorted and filtered, the token under the
 * pointer, and the attention map asked of the worker.
 */
export interface AttentionState {
  /** runId/iteration/prompt/sample/position it was asked for. */
  key: string;
  /** Batch index of the response, and the response position explained. */
  sample: number;
  position: number;
  status: 'loading' | 'done' | 'error';
  result?: AttentionResult;
  error?: string;
}

export interface InspectSlice {
  inspectRunId: string | null;
  inspectIteration: number | null;
  inspectPrompt: number;
  heatMode: HeatMode;
  groupOrder: GroupOrder;
  groupFilter: GroupFilter;
  /** The token whose numbers the detail panel shows: sample index in the batch, position. */
  focusToken: { sample: number; t: number } | null;
  attention: AttentionState | null;
  setInspectRun: (id: string | null) => void;
  setInspectIteration: (iteration: number | null) => void;
  setInspectPrompt: (index: number) => void;
  setHeatMode: (mode: HeatMode) => void;
  setGroupOrder: (order: GroupOrder) => void;
  setGroupFilter: (filter: GroupFilter) => void;
  setFocusToken: (token: { sample: number; t: number } | null) => void;
  /** Ask the worker where a response token looked in the image. */
  requestAttention: (runId: string, iteration: number, sample: number, position: number) => Promise<void>;
  clearAttention: () => void;
}

const errText = errorText; // zod's issue JSON (a worker's refusal) as sentences

export const createInspectSlice: Slice<InspectSlice> = (set, get) => ({
  inspectRunId: null,
  inspectIteration: null,
  inspectPrompt: 0,
  heatMode: 'logp',
  groupOrder: 'index',
  groupFilter: 'all',
  focusToken: null,
  attention: null,
  setInspectRun: (inspectRunId) => set({ inspectRunId, inspectIteration: null, inspectPrompt: 0, focusToken: null, attention: null }),
  setInspectIteration: (inspectIteration) => set({ inspectIteration, focusToken: null, attention: null }),
  setInspectPrompt: (inspectPrompt) => set({ inspectPrompt, focusToken: null, attention: null }),
  setHeatMode: (heatMode) => set({ heatMode }),
  setGroupOrder: (groupOrder) => set({ groupOrder }),
  setGroupFilter: (groupFilter) => set({ groupFilter }),
  setFocusToken: (focusToken) => set({ focusToken }),
  clearAttention: () => set({ attention: null }),
  requestAttention: async (runId, iteration, sample, position) => {
    const batch = get().inspect[runId]?.find((b) => b.iteration === iteration);
    const s = batch?.samples[sample];
    const prompt = s ? batch?.prompts[s.promptIndex] : undefined;
    const { client, workerState } = get();
    if (!batch || !s || !prompt) return;
    const key = `${runId}/${iteration}/${sample}/${position}`;
    if (!client?.connected || workerState !== 'ready') {
      set({ attention: { key, sample, position, status: 'error', error: 'The trainer worker is not running.' } });
      return;
    }
    set({ attention: { key, sample, position, status: 'loading' } });
    try {
      const result = await client.api.attention(runId, { image: prompt.image, imageSize: prompt.imageSize, promptTokens: prompt.promptTokens, tokens: s.tokens, position });
      if (get().attention?.key === key) set({ attention: { key, sample, position, status: 'done', result } });
    } catch (e) {
      if (get().attention?.key === key) set({ attention: { key, sample, position, status: 'error', error: errText(e) } });
    }
  },
});
