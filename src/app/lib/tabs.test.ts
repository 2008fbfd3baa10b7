import { describe, expect, it } from 'vitest';
import { TabCoordinator, TabMessageSchema, lockName, runIdOfLock, type ChannelLike, type LockManagerLike } from './tabs';

/** An in-memory Web Locks (exclusive locks, FIFO queue, ifAvailable, abort signals) shared by "tabs". */
class FakeLocks {
  private held = new Map<string, string>();
  private queue = new Map<string, (() => void)[]>();

  manager(tab: string): LockManagerLike {
    return {
      request: (name, options, callback) =>
        new Promise((resolve, reject) => {
          const grant = () => {
            this.held.set(name, tab);
            void Promise.resolve(callback({ name })).then((v) => {
              this.held.delete(name);
              const next = this.queue.get(name)?.shift();
              next?.();
              resolve(v);
            });
          };
          if (!this.held.has(name)) return grant();
          if (options.ifAvailable) return void Promise.resolve(callback(null)).then(resolve);
          const waiting = this.queue.get(name) ?? [];
          waiting.push(grant);
          this.queue.set(name, waiting);
          options.signal?.addEventListener('abort', () => {
            const i = waiting.indexOf(grant);
            if (i >= 0) waiting.splice(i, 1);
            reject(new DOMException('aborted', 'AbortError'));
          });
        }),
      query: () => Promise.resolve({ held: [...this.held.keys()].map((name) => ({ name })) }),
    };
  }
}

/** BroadcastChannel between fake tabs: a message reaches every other member. */
class FakeBus {
  private members: ((e: MessageEvent) => void)[] = [];
  channel(): ChannelLike {
    let mine: ((e: MessageEvent) => void) | null = null;
    return {
      postMessage: (data) => {
        for (const m of this.members) if (m !== mine) m({ data } as MessageEvent);
      },
      addEventListener: (_type, listener) => {
        mine = listener;
        this.members.push(listener);
      },
      close: () => undefined,
    };
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function twoTabs() {
  const locks = new FakeLocks();
  const bus = new FakeBus();
  const log = { aChanged: [] as string[][], bChanged: [] as string[][], bFreed: [] as string[] };
  const a = new TabCoordinator({ locks: locks.manager('A'), channel: bus.channel(), onChanged: (ids) => log.aChanged.push(ids), onFreed: () => undefined });
  const b = new TabCoordinator({ locks: locks.manager('B'), channel: bus.channel(), onChanged: (ids) => log.bChanged.push(ids), onFreed: (id) => log.bFreed.push(id) });
  return { a, b, log };
}

describe('tab coordination', () => {
  it('lock names map to run ids and nothing else', () => {
    expect(runIdOfLock(lockName('abc'))).toBe('abc');
    expect(runIdOfLock('someone-else')).toBeNull();
    expect(runIdOfLock(undefined)).toBeNull();
    expect(runIdOfLock('rft-playground/run/')).toBeNull();
  });

  it("a run claimed by one tab is another tab's foreign run until it is released", async () => {
    const { a, b, log } = twoTabs();
    expect(await a.claim('r1')).toBe(true);
    expect(a.owns('r1')).toBe(true);
    expect([...(await a.heldElsewhere())]).toEqual([]);
    expect([...(await b.heldElsewhere())]).toEqual(['r1']);
    expect(await b.claim('r1')).toBe(false); // not available now
    expect(await b.claim('r1', 20)).toBe(false); // nor within 20 ms
    b.watch('r1');
    a.release('r1');
    await tick();
    expect(log.bFreed).toEqual(['r1']);
    expect([...(await b.heldElsewhere())]).toEqual([]);
    expect(await b.claim('r1', 20)).toBe(true);
    expect([...(await a.heldElsewhere())]).toEqual(['r1']);
  });

  it('a waiting claim gets a lock the holder lets go of in time', async () => {
    const { a, b } = twoTabs();
    await a.claim('r2');
    const pending = b.claim('r2', 1000);
    a.release('r2');
    expect(await pending).toBe(true);
  });

  it('announcements are batched, reach the other tab only, and are validated', async () => {
    const { a, log } = twoTabs();
    a.announce(['x']);
    a.announce(['y', 'x']);
    await new Promise((r) => setTimeout(r, 200));
    expect(log.bChanged).toEqual([['x', 'y']]);
    expect(log.aChanged).toEqual([]);
    expect(TabMessageSchema.safeParse({ type: 'runs-changed', runIds: [42] }).success).toBe(false);
    expect(TabMessageSchema.safeParse({ type: 'runs-changed', runIds: ['a'] }).success).toBe(true);
  });

  it('without Web Locks every run is this tab\'s own', async () => {
    const t = new TabCoordinator({ locks: null, channel: null, onChanged: () => undefined, onFreed: () => undefined });
    expect(await t.claim('r')).toBe(true);
    expect([...(await t.heldElsewhere())]).toEqual([]);
    expect(t.hasLocks).toBe(false);
  });
});
