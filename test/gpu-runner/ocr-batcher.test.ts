import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamicBatcher, QueueFullError, type BatchFn } from '../../gpu-runner/ocr/batcher.ts';

/** A fake batch function that records every batch and doubles each number. */
function recorder(delayMs = 0): { run: BatchFn<number, number>; batches: Array<{ items: number[]; key: string }> } {
  const batches: Array<{ items: number[]; key: string }> = [];
  return {
    batches,
    run: async (items, key) => {
      batches.push({ items: [...items], key });
      if (delayMs > 0) await sleep(delayMs);
      return items.map((x) => x * 2);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A promise with its resolver exposed, to hold a batch open. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('DynamicBatcher', () => {
  it('batches concurrent submits into one run and resolves each with its own result', async () => {
    const { run, batches } = recorder();
    const b = new DynamicBatcher({ run, maxBatch: 16, maxWaitMs: 5 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((x) => b.submit(x)));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([{ items: [1, 2, 3, 4, 5], key: '' }]);
    const s = b.stats();
    expect(s.batches).toBe(1);
    expect(s.items).toBe(5);
    expect(s.sizes[5]).toBe(1);
    expect(s.sizes).toHaveLength(17);
  });

  // The batcher's waits are timers: these tests move a fake clock instead of sleeping on a real one.
  const useFakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  afterEach(() => void vi.useRealTimers());

  it('sends a full batch at once without waiting for maxWaitMs', async () => {
    useFakeClock();
    const { run, batches } = recorder();
    const b = new DynamicBatcher({ run, maxBatch: 4, maxWaitMs: 10_000 });
    const results = Promise.all([1, 2, 3, 4].map((x) => b.submit(x)));
    await vi.advanceTimersByTimeAsync(0); // no time passes: a full batch does not wait
    expect(batches.map((x) => x.items)).toEqual([[1, 2, 3, 4]]);
    expect(await results).toEqual([2, 4, 6, 8]);
  });

  it('splits more than maxBatch items into several batches, in arrival order', async () => {
    const { run, batches } = recorder();
    const b = new DynamicBatcher({ run, maxBatch: 8, maxWaitMs: 5 });
    const items = Array.from({ length: 20 }, (_, i) => i);
    const results = await Promise.all(items.map((x) => b.submit(x)));
    expect(results).toEqual(items.map((x) => x * 2));
    expect(batches.map((x) => x.items.length)).toEqual([8, 8, 4]);
    expect(batches.flatMap((x) => x.items)).toEqual(items);
    expect(b.stats().sizes[8]).toBe(2);
    expect(b.stats().sizes[4]).toBe(1);
  });

  it('waits up to maxWaitMs for company, then runs a partial batch', async () => {
    useFakeClock();
    const { run, batches } = recorder();
    const b = new DynamicBatcher({ run, maxBatch: 16, maxWaitMs: 60 });
    const first = b.submit(1);
    await vi.advanceTimersByTimeAsync(15);
    const second = b.submit(2); // arrives inside the first item's window: same batch
    await vi.advanceTimersByTimeAsync(44);
    expect(batches).toHaveLength(0); // 59 ms after the first item: still waiting
    await vi.advanceTimersByTimeAsync(1);
    expect(await Promise.all([first, second])).toEqual([2, 4]);
    expect(batches.map((x) => x.items)).toEqual([[1, 2]]);
  });

  it('runs a lone item after maxWaitMs', async () => {
    useFakeClock();
    const { run, batches } = recorder();
    const b = new DynamicBatcher({ run, maxBatch: 16, maxWaitMs: 20 });
    const result = b.submit(7);
    await vi.advanceTimersByTimeAsync(19);
    expect(batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toBe(14);
    expect(batches).toHaveLength(1);
  });

  it('never mixes bucket keys in one batch', async () => {
    const { run, batches } = recorder();
    const b = new DynamicBatcher({ run, keyOf: (x: number) => (x % 2 === 0 ? 'even' : 'odd'), maxWaitMs: 5 });
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((x) => b.submit(x)));
    expect(results).toEqual([2, 4, 6, 8, 10, 12]);
    expect(batches).toHaveLength(2);
    const byKey = Object.fromEntries(batches.map((x) => [x.key, x.items]));
    expect(byKey).toEqual({ odd: [1, 3, 5], even: [2, 4, 6] });
  });

  it('runs one batch at a time by default and collects arrivals meanwhile', async () => {
    const g = gate();
    const batches: number[][] = [];
    let running = 0;
    let maxRunning = 0;
    const b = new DynamicBatcher<number, number>({
      run: async (items) => {
        batches.push([...items]);
        running++;
        maxRunning = Math.max(maxRunning, running);
        if (batches.length === 1) await g.wait;
        running--;
        return items;
      },
      maxBatch: 4,
      maxWaitMs: 1,
    });
    const first = b.submit(0);
    await sleep(10); // first batch is now running and held by the gate
    const rest = [1, 2, 3, 4, 5].map((x) => b.submit(x));
    await sleep(10);
    expect(b.stats()).toMatchObject({ inFlight: 1, queued: 5 });
    g.open();
    expect(await Promise.all([first, ...rest])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(maxRunning).toBe(1);
    expect(batches).toEqual([[0], [1, 2, 3, 4], [5]]);
  });

  it('allows several batches in flight with concurrency > 1', async () => {
    let running = 0;
    let maxRunning = 0;
    const b = new DynamicBatcher<number, number>({
      run: async (items) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(20);
        running--;
        return items;
      },
      maxBatch: 2,
      maxWaitMs: 1,
      concurrency: 3,
    });
    await Promise.all([1, 2, 3, 4, 5, 6].map((x) => b.submit(x)));
    expect(maxRunning).toBe(3);
  });

  it('rejects with QueueFullError when maxQueue items wait, and recovers', async () => {
    const g = gate();
    const b = new DynamicBatcher<number, number>({
      run: async (items) => {
        await g.wait;
        return items;
      },
      maxBatch: 1,
      maxWaitMs: 0,
      maxQueue: 2,
    });
    const inFlight = b.submit(1);
    await sleep(5); // item 1 has left the queue and is running
    const queued = [b.submit(2), b.submit(3)];
    const refused = b.submit(4);
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await expect(refused).rejects.toMatchObject({ code: 'queue_full', limit: 2 });
    expect(b.stats().rejected).toBe(1);
    g.open();
    expect(await Promise.all([inFlight, ...queued])).toEqual([1, 2, 3]);
    expect(await b.submit(5)).toBe(5);
  });

  it('rejects every item of a failed batch and keeps serving', async () => {
    let calls = 0;
    const b = new DynamicBatcher<number, number>({
      run: async (items) => {
        if (calls++ === 0) throw new Error('model exploded');
        return items;
      },
      maxWaitMs: 1,
    });
    const failed = [b.submit(1), b.submit(2)];
    for (const p of failed) await expect(p).rejects.toThrow('model exploded');
    expect(await b.submit(3)).toBe(3);
    expect(b.stats().failedBatches).toBe(1);
  });

  it('rejects a batch whose function throws synchronously', async () => {
    const b = new DynamicBatcher<number, number>({
      run: () => {
        throw new Error('sync throw');
      },
      maxWaitMs: 0,
    });
    await expect(b.submit(1)).rejects.toThrow('sync throw');
  });

  it('rejects a batch whose function returns the wrong number of results', async () => {
    const b = new DynamicBatcher<number, number>({ run: async (items) => items.slice(1), maxWaitMs: 1 });
    const ps = [b.submit(1), b.submit(2)];
    for (const p of ps) await expect(p).rejects.toThrow(/returned 1 results for 2 items/);
    expect(b.stats().failedBatches).toBe(1);
  });

  it('validates its options', () => {
    const run: BatchFn<number, number> = async (items) => items;
    expect(() => new DynamicBatcher({ run, maxBatch: 0 })).toThrow(RangeError);
    expect(() => new DynamicBatcher({ run, maxQueue: 1.5 })).toThrow(RangeError);
    expect(() => new DynamicBatcher({ run, concurrency: -1 })).toThrow(RangeError);
  });
});
