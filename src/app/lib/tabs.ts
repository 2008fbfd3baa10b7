import { z } from 'zod';

/**
 * Two tabs, one IndexedDB. Each tab trains in its own worker, so two tabs writing the same
 * run would interleave its metrics and checkpoints. Ownership goes through the Web Locks API:
 * a tab holds the lock `rft-playground/run/<id>` while the run is live in its worker (and
 * while it deletes or resumes one). The browser releases a tab's locks when it closes or
 * crashes, so a run whose record says "running" but whose lock nobody holds was left behind
 * by a dead tab. Changes are announced on a BroadcastChannel so other tabs re-read them.
 *
 * Without Web Locks (an old browser) every tab treats every run as its own, as before.
 */

export const RUN_LOCK_PREFIX = 'rft-playground/run/';
export const TAB_CHANNEL = 'rft-playground/runs';

export const lockName = (runId: string): string => `${RUN_LOCK_PREFIX}${runId}`;

/** The run id a lock name stands for, or null for anyone else's lock. */
export function runIdOfLock(name: string | undefined): string | null {
  return name?.startsWith(RUN_LOCK_PREFIX) ? name.slice(RUN_LOCK_PREFIX.length) || null : null;
}

/** What one tab tells the others: these runs changed in storage (created, written, deleted). */
export const TabMessageSchema = z.object({
  type: z.literal('runs-changed'),
  runIds: z.array(z.string().min(1).max(100)).max(10_000),
});
export type TabMessage = z.infer<typeof TabMessageSchema>;

/** The part of `navigator.locks` used here (a test passes a fake). */
export interface LockManagerLike {
  request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => unknown): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

/** The part of BroadcastChannel used here. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  close(): void;
}

export interface TabDeps {
  locks: LockManagerLike | null;
  channel: ChannelLike | null;
  /** Another tab says these runs changed. */
  onChanged: (runIds: string[]) => void;
  /** A run's lock was let go by the tab that held it (it finished, or the tab closed). */
  onFreed: (runId: string) => void;
}

/** Announcements are batched: at most one message per this many ms (metrics arrive every 200 ms). */
const ANNOUNCE_MS = 150;

export class TabCoordinator {
  /** Runs whose lock this tab holds, with the function that lets go of it. */
  private readonly held = new Map<string, () => void>();
  private readonly watching = new Set<string>();
  private pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly deps: TabDeps) {
    deps.channel?.addEventListener('message', (e) => {
      const msg = TabMessageSchema.safeParse(e.data);
      if (msg.success) deps.onChanged(msg.data.runIds);
    });
  }

  get hasLocks(): boolean {
    return this.deps.locks !== null;
  }

  owns(runId: string): boolean {
    return this.held.has(runId);
  }

  /**
   * Take a run's lock and keep it until `release`. `waitMs` 0: only if free now (a new run);
   * otherwise wait that long (a tab watching the run holds it for an instant when it frees).
   */
  claim(runId: string, waitMs = 0): Promise<boolean> {
    const locks = this.deps.locks;
    if (this.held.has(runId) || !locks) return Promise.resolve(true);
    return new Promise((resolve) => {
      const options = waitMs > 0 ? { signal: AbortSignal.timeout(waitMs) } : { ifAvailable: true };
      locks
        .request(lockName(runId), options, (lock) => {
          if (!lock) {
            resolve(false);
            return undefined;
          }
          // Held until this promise resolves, i.e. until release().
          return new Promise<void>((letGo) => {
            this.held.set(runId, letGo);
            resolve(true);
          });
        })
        .catch(() => resolve(false)); // timed out: someone else holds it
    });
  }

  release(runId: string): void {
    const letGo = this.held.get(runId);
    this.held.delete(runId);
    letGo?.();
  }

  /** Runs whose lock another tab holds now. */
  async heldElsewhere(): Promise<Set<string>> {
    const out = new Set<string>();
    if (!this.deps.locks) return out;
    const snapshot = await this.deps.locks.query();
    for (const lock of snapshot.held ?? []) {
      const id = runIdOfLock(lock.name);
      if (id && !this.held.has(id)) out.add(id);
    }
    return out;
  }

  /** Be told when another tab lets go of a run: queue for its lock and give it back at once. */
  watch(runId: string): void {
    const locks = this.deps.locks;
    if (!locks || this.watching.has(runId) || this.held.has(runId)) return;
    this.watching.add(runId);
    locks
      .request(lockName(runId), {}, () => {
        this.watching.delete(runId);
        this.deps.onFreed(runId);
        return undefined; // released as soon as this returns
      })
      .catch(() => this.watching.delete(runId));
  }

  /** Tell other tabs these runs changed in storage. */
  announce(runIds: readonly string[]): void {
    if (!this.deps.channel) return;
    for (const id of runIds) this.pending.add(id);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      const ids = [...this.pending];
      this.pending = new Set();
      if (ids.length > 0) this.deps.channel?.postMessage({ type: 'runs-changed', runIds: ids } satisfies TabMessage);
    }, ANNOUNCE_MS);
  }
}
