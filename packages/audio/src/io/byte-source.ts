/**
 * Sequential byte access over a file or a stream, so the WAV parser is written once for both.
 * Memory is bounded by what a single read asks for: nothing is read ahead beyond one pipe buffer.
 */
import type { FileHandle } from "node:fs/promises";

export interface ByteSource {
  /**
   * Reads n bytes; returns fewer only at end of input. Into `target` when given (at least n bytes long),
   * else into a new buffer.
   */
  read(n: number, target?: Uint8Array): Promise<Uint8Array>;
  /** Skips n bytes; returns how many were skipped (fewer only at end of input). */
  skip(n: number): Promise<number>;
  /** Bytes consumed so far. */
  readonly position: number;
  /** Total size when known (regular files). */
  readonly size: number | undefined;
  /** Moves to an absolute offset; only sources with a known size can seek. */
  seek?(offset: number): void;
  /** The next n bytes (fewer at end of input) without consuming them: what a stream holds. */
  peek?(n: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export class FileByteSource implements ByteSource {
  readonly size: number;
  position = 0;
  private readonly handle: FileHandle;

  constructor(handle: FileHandle, size: number) {
    this.handle = handle;
    this.size = size;
  }

  async read(n: number, target?: Uint8Array): Promise<Uint8Array> {
    const want = Math.max(0, Math.min(n, this.size - this.position));
    const buffer = target && target.length >= want ? target.subarray(0, want) : new Uint8Array(want);
    let filled = 0;
    while (filled < want) {
      const { bytesRead } = await this.handle.read(buffer, filled, want - filled, this.position + filled);
      if (bytesRead === 0) break; // the file shrank under us
      filled += bytesRead;
    }
    this.position += filled;
    return filled === want ? buffer : buffer.subarray(0, filled);
  }

  async skip(n: number): Promise<number> {
    const skipped = Math.max(0, Math.min(n, this.size - this.position));
    this.position += skipped;
    return skipped;
  }

  seek(offset: number): void {
    this.position = Math.max(0, Math.min(offset, this.size));
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/**
 * A pipe, FIFO or terminal opened as a file (standard input as /dev/stdin): read sequentially straight
 * into the caller's buffers. Unlike a stream it allocates nothing per read, which keeps the resident
 * memory of a 6 GB pipe flat instead of leaving 64 KB pieces to the garbage collector.
 */
export class PipeByteSource implements ByteSource {
  readonly size = undefined;
  position = 0;
  private readonly handle: FileHandle;
  private scratch: Uint8Array | undefined;
  /** bytes peek() read ahead, handed out first */
  private peeked: Uint8Array = new Uint8Array(0);

  constructor(handle: FileHandle) {
    this.handle = handle;
  }

  async peek(n: number): Promise<Uint8Array> {
    if (this.peeked.length < n) {
      const more = new Uint8Array(n - this.peeked.length);
      let got = 0;
      while (got < more.length) {
        const { bytesRead } = await this.handle.read(more, got, more.length - got, null);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      const joined = new Uint8Array(this.peeked.length + got);
      joined.set(this.peeked);
      joined.set(more.subarray(0, got), this.peeked.length);
      this.peeked = joined;
    }
    return this.peeked.subarray(0, n);
  }

  async read(n: number, target?: Uint8Array): Promise<Uint8Array> {
    const buffer = target && target.length >= n ? target.subarray(0, n) : new Uint8Array(n);
    let filled = Math.min(n, this.peeked.length);
    if (filled > 0) {
      buffer.set(this.peeked.subarray(0, filled));
      this.peeked = this.peeked.subarray(filled);
    }
    while (filled < n) {
      const { bytesRead } = await this.handle.read(buffer, filled, n - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.position += filled;
    return filled === n ? buffer : buffer.subarray(0, filled);
  }

  async skip(n: number): Promise<number> {
    this.scratch ??= new Uint8Array(64 * 1024);
    let skipped = Math.min(n, this.peeked.length);
    this.peeked = this.peeked.subarray(skipped);
    while (skipped < n) {
      const { bytesRead } = await this.handle.read(
        this.scratch,
        0,
        Math.min(this.scratch.length, n - skipped),
        null,
      );
      if (bytesRead === 0) break;
      skipped += bytesRead;
    }
    this.position += skipped;
    return skipped;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Over any async iterable of byte pieces (a Node Readable, process.stdin, a generator). */
export class StreamByteSource implements ByteSource {
  readonly size = undefined;
  position = 0;
  private readonly iterator: AsyncIterator<Uint8Array | string> | Iterator<Uint8Array | string>;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private ended = false;

  constructor(stream: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>) {
    this.iterator =
      Symbol.asyncIterator in stream ? stream[Symbol.asyncIterator]() : toAsync(stream[Symbol.iterator]());
  }

  /** Pulls pieces until at least n bytes are pending or the stream ends. */
  private async fill(n: number): Promise<void> {
    while (this.pendingBytes < n && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      const piece = typeof next.value === "string" ? new TextEncoder().encode(next.value) : next.value;
      if (piece.length === 0) continue;
      this.pending.push(piece);
      this.pendingBytes += piece.length;
    }
  }

  async peek(n: number): Promise<Uint8Array> {
    await this.fill(n);
    const want = Math.min(n, this.pendingBytes);
    const out = new Uint8Array(want);
    let filled = 0;
    for (const piece of this.pending) {
      if (filled === want) break;
      const take = Math.min(piece.length, want - filled);
      out.set(piece.subarray(0, take), filled);
      filled += take;
    }
    return out;
  }

  async read(n: number, target?: Uint8Array): Promise<Uint8Array> {
    await this.fill(n);
    const want = Math.min(n, this.pendingBytes);
    const out = target && target.length >= want ? target.subarray(0, want) : new Uint8Array(want);
    let filled = 0;
    while (filled < want) {
      const head = this.pending[0];
      const take = Math.min(head.length, want - filled);
      out.set(take === head.length ? head : head.subarray(0, take), filled);
      filled += take;
      if (take === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(take);
    }
    this.pendingBytes -= want;
    this.position += want;
    return out;
  }

  async skip(n: number): Promise<number> {
    let skipped = 0;
    while (skipped < n) {
      await this.fill(1);
      if (this.pendingBytes === 0) break;
      const head = this.pending[0];
      const take = Math.min(head.length, n - skipped);
      if (take === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(take);
      this.pendingBytes -= take;
      skipped += take;
    }
    this.position += skipped;
    return skipped;
  }

  async close(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.ended) {
      this.ended = true;
      // not awaited: a generator stuck in an await would hold up an abort forever
      Promise.resolve(this.iterator.return?.()).catch(() => {});
    }
  }
}

function toAsync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return {
    next: async () => iterator.next(),
    return: async () => iterator.return?.() ?? { done: true, value: undefined },
  };
}

/**
 * A few chunk-sized buffers handed back by the consumer (AudioReader.recycle) and filled again, so a
 * long file does not leave hundreds of MB of dead 2 MB buffers waiting for the garbage collector.
 */
export class BufferPool {
  private readonly free: Uint8Array[] = [];
  private readonly size: number;

  constructor(size: number) {
    this.size = size;
  }

  take(): Uint8Array {
    return this.free.pop() ?? new Uint8Array(this.size);
  }

  give(chunk: Uint8Array): void {
    if (chunk.buffer.byteLength !== this.size || chunk.buffer instanceof SharedArrayBuffer) return;
    if (this.free.length < 4) this.free.push(new Uint8Array(chunk.buffer as ArrayBuffer));
  }
}
