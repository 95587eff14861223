import { afterEach, describe, expect, it, vi } from 'vitest';
import { WriteBatch } from '../../source/state/write-batch.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('WriteBatch', () => {
  it('writes the lines added within the delay in one call, joined, and nothing before the delay', () => {
    vi.useFakeTimers();
    const writes: Array<[string, number]> = [];
    const batch = new WriteBatch({ write: (text, lines) => writes.push([text, lines]) });
    for (const line of ['a\n', 'b\n', 'c\n']) batch.add(line);
    vi.advanceTimersByTime(19);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual([['a\nb\nc\n', 3]]);
    batch.add('d\n');
    vi.advanceTimersByTime(20);
    expect(writes).toEqual([['a\nb\nc\n', 3], ['d\n', 1]]);
  });

  it('flush() writes at once (a close, an exit, an urgent line), and an empty batch writes nothing', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const batch = new WriteBatch({ write: (text) => writes.push(text) });
    batch.flush();
    batch.add('a\n');
    batch.flush();
    expect(writes).toEqual(['a\n']);
    vi.advanceTimersByTime(100);
    expect(writes).toEqual(['a\n']);
  });

  it('a failed write keeps its lines for the next flush, reports the error, and keeps only the newest maxBytes', () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const writes: string[] = [];
    let full = true;
    const batch = new WriteBatch({
      write: (text) => {
        if (full) throw new Error('ENOSPC');
        writes.push(text);
      },
      onError: (error) => errors.push(error),
      maxBytes: 6,
    });
    batch.add('a\n');
    batch.add('b\n');
    batch.flush();
    expect(errors).toHaveLength(1);
    expect(batch.length).toBe(2);
    batch.add('c\n');
    batch.add('d\n'); // 8 bytes waiting: the oldest goes
    full = false;
    batch.flush();
    expect(writes).toEqual(['b\nc\nd\n']);
    expect(batch.length).toBe(0);
  });

  it('lines added while a write runs (it logs) wait for the next write instead of being lost', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const batch = new WriteBatch({
      write: (text) => {
        writes.push(text);
        if (writes.length === 1) batch.add('during\n');
      },
    });
    batch.add('first\n');
    batch.flush();
    vi.advanceTimersByTime(20);
    expect(writes).toEqual(['first\n', 'during\n']);
  });

  it('discard() lets the waiting lines go without writing them', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const batch = new WriteBatch({ write: (text) => writes.push(text) });
    batch.add('a\n');
    batch.discard();
    vi.advanceTimersByTime(100);
    batch.flush();
    expect(writes).toEqual([]);
  });
});
