import { ANSWER as ANSWER_ID } from '../../engine/tokenizer';
import { nextColor } from '../lib/colors';
import { forkConfig } from '../lib/fork';
import { isLive, type AttentionResult } from '../../worker/client';
import { progressCallback } from '../../worker/progress';
import type { CrossTaskRequest, CrossTaskResult, EvaluateRunRequest, EvaluateRunResult, OwnRequest, OwnResult } from '../../worker/toolsProtocol';
import type { Slice } from './types';

/**
 * Three tools on a run's newest saved weights: fork it into A/B branches (Compare shows them),
 * evaluate it with pass@k / best@N / majority@N, and try it on a person's own image.
 */
export interface ForkDraft {
  source: string | null;
  knob: string;
  value: string | boolean;
  /** Iterations both branches run past the checkpoint. */
  extra: number;
}

export interface ToolsSlice {
  fork: ForkDraft;
  forkError: string | null;
  forkBusy: boolean;
  setFork: (patch: Partial<ForkDraft>) => void;
  /** Fork `fork.source`; resolves with the two new run ids (A, B), or null (forkError says why). */
  forkSource: () => Promise<[string, string] | null>;

  /** runId -> split -> the newest sampled evaluation. */
  evalResults: Record<string, Record<string, EvaluateRunResult>>;
  evalProgress: { runId: string; done: number; total: number } | null;
  evalError: string | null;
  evaluateSampled: (runId: string, request: EvaluateRunRequest) => Promise<void>;

  /** runId -> the newest cross-task evaluation (every task's id, shift and ood splits). */
  crossResults: Record<string, CrossTaskResult>;
  crossProgress: { runId: string; done: number; total: number } | null;
  crossError: string | null;
  evaluateAcrossTasks: (runId: string, request: CrossTaskRequest) => Promise<void>;

  own: { status: 'idle' | 'loading' | 'done' | 'error'; result: OwnResult | null; error: string | null; image: Float32Array | null; imageSize: number };
  ownAttention: { sample: number; position: number; result: AttentionResult | null; error: string | null } | null;
  tryOwn: (runId: string, request: OwnRequest) => Promise<void>;
  ownAttend: (runId: string, sample: number) => Promise<void>;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The response position whose choice the attention map explains: the answer word if there is one, else the first token. */
function answerPosition(tokens: readonly number[], answerId: number): number {
  const at = tokens.indexOf(answerId);
  return at >= 0 && at + 1 < tokens.length ? at + 1 : 0;
}

export const createToolsSlice: Slice<ToolsSlice> = (set, get) => {
  const api = () => {
    const { client, workerState } = get();
    if (!client || !client.connected || workerState === 'failed') throw new Error('The trainer worker is not running.');
    return client.api;
  };
  return {
    fork: { source: null, knob: 'objective.epsHigh', value: '', extra: 10 },
    forkError: null,
    forkBusy: false,
    setFork: (patch) => set((s) => ({ fork: { ...s.fork, ...patch }, forkError: null })),
    forkSource: async () => {
      const { fork, runs, order } = get();
      const run = fork.source ? runs[fork.source] : undefined;
      const refuse = (forkError: string): null => {
        set({ forkError });
        return null;
      };
      if (!run) return refuse('Pick a run to fork.');
      if (run.checkpointIteration === undefined && !isLive(run.status)) return refuse(`"${run.name}" has no saved checkpoint yet: run at least one iteration first.`);
      const b = forkConfig(run.config, fork.knob, fork.value);
      if ('error' in b) return refuse(b.error);
      if (!Number.isInteger(fork.extra) || fork.extra < 1) return refuse('Iterations after the fork: a whole number, at least 1.');
      const used = order.map((i) => runs[i]?.color ?? '');
      const a = { id: crypto.randomUUID(), name: `${run.name} · A`, color: nextColor(used) };
      const bRun = { id: crypto.randomUUID(), name: `${run.name} · B (${b.change})`.slice(0, 200), color: nextColor([...used, a.color]) };
      set({ forkBusy: true, forkError: null });
      try {
        await api().forkRun(run.id, { a, b: { ...bRun, config: b.config }, group: `fork-${Date.now().toString(36)}`, knob: b.change, extra: fork.extra });
        await get().loadRuns();
        set({ view: 'compare' });
        await get().resumeRun(a.id);
        await get().resumeRun(bRun.id);
        return [a.id, bRun.id];
      } catch (e) {
        set({ forkError: `Could not fork "${run.name}": ${errText(e)}` });
        return null;
      } finally {
        set({ forkBusy: false });
      }
    },

    evalResults: {},
    evalProgress: null,
    evalError: null,
    evaluateSampled: async (runId, request) => {
      set({ evalProgress: { runId, done: 0, total: 0 }, evalError: null });
      try {
        const onProgress = progressCallback((done, total) => set({ evalProgress: { runId, done, total } }));
        const result = await api().evaluateRun(runId, request, onProgress);
        set((s) => ({ evalResults: { ...s.evalResults, [runId]: { ...s.evalResults[runId], [request.split]: result } } }));
      } catch (e) {
        set({ evalError: errText(e) });
      } finally {
        set({ evalProgress: null });
      }
    },

    crossResults: {},
    crossProgress: null,
    crossError: null,
    evaluateAcrossTasks: async (runId, request) => {
      set({ crossProgress: { runId, done: 0, total: 0 }, crossError: null });
      try {
        const onProgress = progressCallback((done, total) => set({ crossProgress: { runId, done, total } }));
        const result = await api().evaluateAcrossTasks(runId, request, onProgress);
        set((s) => ({ crossResults: { ...s.crossResults, [runId]: result } }));
      } catch (e) {
        set({ crossError: errText(e) });
      } finally {
        set({ crossProgress: null });
      }
    },

    own: { status: 'idle', result: null, error: null, image: null, imageSize: 0 },
    ownAttention: null,
    tryOwn: async (runId, request) => {
      set({ own: { status: 'loading', result: null, error: null, image: request.image, imageSize: request.imageSize }, ownAttention: null });
      try {
        const result = await api().sampleOwn(runId, request);
        set((s) => ({ own: { ...s.own, status: 'done', result } }));
        if (result.samples.length > 0) await get().ownAttend(runId, 0);
      } catch (e) {
        set((s) => ({ own: { ...s.own, status: 'error', error: errText(e) } }));
      }
    },
    ownAttend: async (runId, sample) => {
      const { own } = get();
      const s = own.result?.samples[sample];
      if (!own.result || !own.image || !s || s.tokens.length === 0) return;
      const position = answerPosition(s.tokens, ANSWER_ID);
      set({ ownAttention: { sample, position, result: null, error: null } });
      try {
        const result = await api().attention(runId, { image: own.image, imageSize: own.imageSize, promptTokens: own.result.promptTokens, tokens: s.tokens, position });
        set({ ownAttention: { sample, position, result, error: null } });
      } catch (e) {
        set({ ownAttention: { sample, position, result: null, error: errText(e) } });
      }
    },
  };
};

