import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { AudioReader } from "./audio-reader.ts";
import type { ByteSource } from "./byte-source.ts";
import { AudioReadError } from "./errors.ts";
import { openAudioFile, openAudioStream } from "./open-audio.ts";
import { openWav } from "./wav-reader.ts";
import { encodePcm, encodeWav, type WavWriteOptions, wavHeader } from "./wav-writer.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "loupe-io-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixture(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

async function readAll(reader: AudioReader): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of reader.chunks()) parts.push(chunk);
  return new Uint8Array(Buffer.concat(parts));
}

/** A short ramp per channel so every sample and channel position is checkable. */
function ramp(frames: number, channels: number): Float64Array {
  const out = new Float64Array(frames * channels);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) out[i * channels + c] = ((i % 200) - 100) / 128 + c / 1024;
  }
  return out;
}

async function expectCode(promise: Promise<unknown>, code: string, file?: string): Promise<AudioReadError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AudioReadError, `expected AudioReadError, got ${error}`);
    assert.equal(error.code, code, error.message);
    if (file) assert.ok(error.message.startsWith(`${file}: `), error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

describe("WAV reader", () => {
  const encodings: [string, Pick<WavWriteOptions, "sampleType" | "bitsPerSample">, string][] = [
    ["16-bit", { bitsPerSample: 16 }, "pcm_s16le"],
    ["24-bit", { bitsPerSample: 24 }, "pcm_s24le"],
    ["32-bit", { bitsPerSample: 32 }, "pcm_s32le"],
    ["float32", { sampleType: "float", bitsPerSample: 32 }, "pcm_f32le"],
    ["float64", { sampleType: "float", bitsPerSample: 64 }, "pcm_f64le"],
  ];
  for (const [name, enc, codec] of encodings) {
    test(`reads ${name} PCM exactly`, async () => {
      const o: WavWriteOptions = { sampleRate: 48000, channels: 2, ...enc };
      const samples = ramp(1000, 2);
      const file = await fixture(`${name}.wav`, encodeWav(o, samples));
      const reader = await openAudioFile(file);
      assert.equal(reader.format.codec, codec);
      assert.equal(reader.format.sampleType, enc.sampleType ?? "int");
      assert.equal(reader.format.bitsPerSample, enc.bitsPerSample);
      assert.equal(reader.format.totalFrames, 1000);
      assert.deepEqual(reader.format.channelLayout, ["L", "R"]);
      assert.equal(reader.format.layoutSource, "standard-order");
      assert.deepEqual(await readAll(reader), encodePcm(samples, o));
    });
  }

  test("converts 8-bit unsigned to signed 16-bit", async () => {
    const o: WavWriteOptions = { sampleRate: 8000, channels: 1, bitsPerSample: 8 };
    const file = await fixture("u8.wav", encodeWav(o, [0, 0.5, -1, 127 / 128]));
    const reader = await openAudioFile(file);
    assert.equal(reader.bitDepth, 8);
    assert.equal(reader.format.bitsPerSample, 16);
    const pcm = await readAll(reader);
    assert.deepEqual([...new Int16Array(pcm.buffer, pcm.byteOffset, 4)], [0, 16384, -32768, 32512]);
  });

  test("chunks are whole frames and the data is read in several chunks", async () => {
    const o: WavWriteOptions = { sampleRate: 48000, channels: 6, bitsPerSample: 24 };
    const samples = ramp(200_000, 6); // 3.6 MB: two chunks
    const file = await fixture("long.wav", encodeWav(o, samples));
    const reader = await openAudioFile(file);
    let count = 0;
    for await (const chunk of reader.chunks()) {
      count++;
      assert.equal(chunk.length % 18, 0);
    }
    assert.ok(count >= 2, `${count} chunks`);
  });

  test("WAVE_FORMAT_EXTENSIBLE masks name the channels", async () => {
    const cases: [number, number, string[]][] = [
      [0x3f, 6, ["L", "R", "C", "LFE", "Ls", "Rs"]],
      [0x60f, 6, ["L", "R", "C", "LFE", "Ls", "Rs"]],
      [0x63f, 8, ["L", "R", "C", "LFE", "Lrs", "Rrs", "Lss", "Rss"]],
      [0x4, 1, ["C"]],
      [0x3, 3, ["L", "R", "Ch3"]],
    ];
    for (const [mask, channels, labels] of cases) {
      const o: WavWriteOptions = { sampleRate: 48000, channels, bitsPerSample: 24, channelMask: mask };
      const samples = ramp(10, channels);
      const file = await fixture(`mask-${mask}.wav`, encodeWav(o, samples));
      const reader = await openAudioFile(file);
      assert.deepEqual(reader.format.channelLayout, labels, `mask 0x${mask.toString(16)}`);
      assert.equal(reader.format.layoutSource, "channel-mask");
      assert.deepEqual(await readAll(reader), encodePcm(samples, o));
    }
  });

  test("24-bit samples in 32-bit containers keep their valid bit depth", async () => {
    const o: WavWriteOptions = {
      sampleRate: 48000,
      channels: 2,
      bitsPerSample: 32,
      validBitsPerSample: 24,
      channelMask: 3,
    };
    const reader = await openAudioFile(await fixture("24in32.wav", encodeWav(o, ramp(4, 2))));
    assert.equal(reader.bitDepth, 24);
    assert.equal(reader.format.bitsPerSample, 32);
    await reader.close();
  });

  test("plain PCM: standard order for 1/2/6/8 channels, Ch<n> and a warning otherwise, --layout overrides", async () => {
    const o = (channels: number): WavWriteOptions => ({ sampleRate: 48000, channels, bitsPerSample: 16 });
    const open6 = await openAudioFile(await fixture("six.wav", encodeWav(o(6), ramp(4, 6))));
    assert.deepEqual(open6.format.channelLayout, ["L", "R", "C", "LFE", "Ls", "Rs"]);
    assert.equal(open6.warnings.length, 0);
    await open6.close();
    const file5 = await fixture("five.wav", encodeWav(o(5), ramp(4, 5)));
    const open5 = await openAudioFile(file5);
    assert.deepEqual(open5.format.channelLayout, ["Ch1", "Ch2", "Ch3", "Ch4", "Ch5"]);
    assert.match(open5.warnings.join(), /--layout/);
    await open5.close();
    const user = await openAudioFile(file5, { layout: ["L", "R", "C", "Ls", "Rs"] });
    assert.deepEqual(user.format.channelLayout, ["L", "R", "C", "Ls", "Rs"]);
    assert.equal(user.format.layoutSource, "user");
    await user.close();
    await expectCode(openAudioFile(file5, { layout: ["L", "R"] }), "BAD_LAYOUT", file5);
  });

  test("bext: the time reference is kept", async () => {
    const ref = 10 * 3600 * 48000 + 2 ** 32; // above 32 bits: uses TimeReferenceHigh
    const o: WavWriteOptions = {
      sampleRate: 48000,
      channels: 2,
      bitsPerSample: 24,
      timeReferenceSamples: ref,
    };
    const reader = await openAudioFile(await fixture("bext.wav", encodeWav(o, ramp(4, 2))));
    assert.equal(reader.format.timeReferenceSamples, ref);
    assert.equal(reader.format.container, "BWF");
    await reader.close();
  });

  test("odd-sized and unknown chunks are skipped with their pad byte", async () => {
    const o: WavWriteOptions = {
      sampleRate: 44100,
      channels: 1,
      bitsPerSample: 16,
      extraChunks: [
        { id: "LIST", body: new Uint8Array(13).fill(7) },
        { id: "iXML", body: new TextEncoder().encode("<x/>") },
        { id: "junk", body: new Uint8Array(1) },
      ],
    };
    const samples = ramp(101, 1);
    const reader = await openAudioFile(await fixture("odd.wav", encodeWav(o, samples)));
    assert.deepEqual(await readAll(reader), encodePcm(samples, o));
  });

  test("an odd-sized data chunk (8-bit mono) is followed by its pad byte and a later chunk", async () => {
    const o: WavWriteOptions = { sampleRate: 8000, channels: 1, bitsPerSample: 8 };
    const body = encodeWav(o, ramp(3, 1));
    const tail = new Uint8Array([...new TextEncoder().encode("LIST"), 4, 0, 0, 0, 1, 2, 3, 4]);
    const reader = await openAudioFile(await fixture("odd-data.wav", new Uint8Array([...body, ...tail])));
    assert.equal((await readAll(reader)).length, 6);
  });

  test("RF64: the data size comes from ds64, not the 32-bit field", async () => {
    const o: WavWriteOptions = { sampleRate: 48000, channels: 2, bitsPerSample: 16, rf64: true };
    const samples = ramp(500, 2);
    const data = encodePcm(samples, o);
    // a chunk after the audio: a reader that took 0xFFFFFFFF as "to the end" would read it as samples
    const trailer = new Uint8Array([...new TextEncoder().encode("LIST"), 4, 0, 0, 0, 9, 9, 9, 9]);
    const bytes = new Uint8Array([...wavHeader(o, data.length), ...data, ...trailer]);
    assert.equal(new DataView(bytes.buffer).getUint32(4, true), 0xffffffff);
    const reader = await openAudioFile(await fixture("rf64.wav", bytes));
    assert.equal(reader.format.container, "RF64");
    assert.equal(reader.format.totalFrames, 500);
    assert.deepEqual(await readAll(reader), data);
  });

  test("RF64 over 4 GiB: the whole data chunk is read, up to the 64-bit ds64 size", async () => {
    const o: WavWriteOptions = { sampleRate: 48000, channels: 6, bitsPerSample: 24, rf64: true };
    const dataBytes = 18 * 240_000_000; // 4.32 GB, above the 4 GiB a 32-bit size can say
    const header = wavHeader(o, dataBytes);
    const trailer = new Uint8Array([...new TextEncoder().encode("LIST"), 4, 0, 0, 0, 9, 9, 9, 9]);
    // a 4.3 GB "file" served without copying: header bytes, then the data region as-is, then a trailer
    const size = header.length + dataBytes + trailer.length;
    let position = 0;
    const source: ByteSource = {
      get position() {
        return position;
      },
      size,
      async read(n, target) {
        const want = Math.min(n, size - position);
        const out = target && target.length >= want ? target.subarray(0, want) : new Uint8Array(want);
        for (let i = 0; i < want; i++) {
          const at = position + i;
          if (at < header.length) out[i] = header[at];
          else if (at >= header.length + dataBytes) out[i] = trailer[at - header.length - dataBytes];
          else if (at >= header.length + 64) break; // the data region: contents do not matter here
        }
        position += want;
        return out;
      },
      async skip(n) {
        const skipped = Math.min(n, size - position);
        position += skipped;
        return skipped;
      },
      seek(offset) {
        position = offset;
      },
      async close() {},
    };
    const reader = await openWav(source, "big.wav");
    assert.equal(reader.format.totalFrames, dataBytes / 18);
    let total = 0;
    for await (const chunk of reader.chunks()) {
      total += chunk.length;
      reader.recycle(chunk);
    }
    assert.equal(total, dataBytes);
    assert.equal(source.position, header.length + dataBytes); // stopped at the end of data, not at EOF
  });

  test("RF64 stream: ds64 size is honoured, and a short stream is truncated", async () => {
    const o: WavWriteOptions = { sampleRate: 48000, channels: 2, bitsPerSample: 24, rf64: true };
    const data = encodePcm(ramp(3000, 2), o);
    async function* feed(bytes: Uint8Array) {
      for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
    }
    const full = new Uint8Array([...wavHeader(o, data.length), ...data, 1, 2, 3, 4, 5, 6, 7, 8]);
    const reader = await openAudioStream(feed(full));
    assert.deepEqual(await readAll(reader), data);
    const short = full.subarray(0, full.length - 8 - 600);
    const cut = await openAudioStream(feed(short), { name: "-" });
    await expectCode(readAll(cut), "TRUNCATED", "-");
  });

  test("pipe writers' unknown data sizes (0, 0xFFFFFFFF) are read to the end", async () => {
    for (const declaredDataSize of [0, 0xffffffff]) {
      const o: WavWriteOptions = { sampleRate: 48000, channels: 2, bitsPerSample: 16, declaredDataSize };
      const data = encodePcm(ramp(700, 2), o);
      const bytes = new Uint8Array([...wavHeader(o, data.length), ...data]);
      const reader = await openAudioStream([bytes]);
      assert.equal(reader.format.totalFrames, undefined);
      assert.deepEqual(await readAll(reader), data);
      const fromFile = await openAudioFile(await fixture(`pipe-${declaredDataSize}.wav`, bytes));
      assert.equal(fromFile.format.totalFrames, 700);
      assert.deepEqual(await readAll(fromFile), data);
    }
  });

  test("a stream cut inside a frame drops the partial frame with a warning", async () => {
    const o: WavWriteOptions = { sampleRate: 48000, channels: 2, bitsPerSample: 16, declaredDataSize: 0 };
    const data = encodePcm(ramp(10, 2), o);
    const reader = await openAudioStream([new Uint8Array([...wavHeader(o, 0), ...data, 1, 2])]);
    assert.equal((await readAll(reader)).length, 40);
    assert.match(reader.warnings.join(), /ignored/);
  });
});

describe("malformed input", () => {
  const good: WavWriteOptions = { sampleRate: 48000, channels: 2, bitsPerSample: 16 };
  const goodBytes = () => encodeWav(good, ramp(100, 2));
  const patch = (bytes: Uint8Array, at: number, value: number, size: 2 | 4) => {
    const copy = bytes.slice();
    const view = new DataView(copy.buffer);
    if (size === 2) view.setUint16(at, value, true);
    else view.setUint32(at, value, true);
    return copy;
  };

  const cases: [string, () => Uint8Array, string][] = [
    ["empty file", () => new Uint8Array(0), "EMPTY_FILE"],
    [
      "not audio at all",
      () => new TextEncoder().encode("hello, this is a text file\n".repeat(10)),
      "NOT_AUDIO",
    ],
    ["truncated RIFF header", () => goodBytes().subarray(0, 7), "TRUNCATED"],
    ["truncated data chunk", () => goodBytes().subarray(0, 200), "TRUNCATED"],
    ["cut inside the fmt chunk", () => goodBytes().subarray(0, 24), "TRUNCATED"],
    ["zero channels", () => patch(goodBytes(), 22, 0, 2), "ZERO_CHANNELS"],
    ["zero sample rate", () => patch(goodBytes(), 24, 0, 4), "BAD_FMT"],
    ["block align that does not fit", () => patch(goodBytes(), 32, 3, 2), "BAD_FMT"],
    ["fmt chunk too short", () => patch(goodBytes(), 16, 12, 4), "BAD_FMT"],
    ["absurd chunk size", () => patch(goodBytes(), 16, 0x7ffffff0, 4), "ABSURD_CHUNK_SIZE"],
    [
      "unsupported bit depth (48-bit)",
      () => encodeWav({ ...good, bitsPerSample: 48 } as WavWriteOptions, []).slice(),
      "UNSUPPORTED_BIT_DEPTH",
    ],
    ["no data chunk", () => goodBytes().subarray(0, 36), "NO_DATA_CHUNK"],
    ["garbage chunk id", () => patch(goodBytes(), 36, 0x01020304, 4), "BAD_FMT"],
  ];
  for (const [name, bytes, code] of cases) {
    test(`${name} -> ${code}`, async () => {
      const file = await fixture(`bad-${name.replace(/\W+/g, "-")}.wav`, bytes());
      const error = await expectCode(
        openAudioFile(file).then((r) => readAll(r)),
        code,
        file,
      );
      assert.ok(error.message.length > file.length + 10);
    });
  }

  test("missing file -> FILE_NOT_FOUND", async () => {
    await expectCode(openAudioFile(path.join(dir, "nope.wav")), "FILE_NOT_FOUND");
  });

  test("a directory -> READ_FAILED", async () => {
    await expectCode(openAudioFile(dir), "READ_FAILED", dir);
  });

  test("a stream that is not WAV -> NOT_AUDIO", async () => {
    await expectCode(openAudioStream([new TextEncoder().encode("not a wave file at all")]), "NOT_AUDIO", "-");
  });
});
