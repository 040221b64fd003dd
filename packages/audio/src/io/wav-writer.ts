/**
 * Writes WAV for test fixtures and the benchmark generator: PCM 8/16/24/32, float 32/64,
 * WAVE_FORMAT_EXTENSIBLE with a channel mask, a bext chunk with a time reference, RF64 with ds64, extra
 * chunks (odd sizes get their pad byte) and deliberately wrong data sizes, as pipe writers leave them.
 * `wavHeader` + `encodePcm` stream a file of any length; `encodeWav` builds a whole small one.
 */
export interface WavWriteOptions {
  sampleRate: number;
  channels: number;
  /** default "int" */
  sampleType?: "int" | "float";
  /** 8 (unsigned), 16, 24, 32 for int; 32, 64 for float */
  bitsPerSample: number;
  /** writes WAVE_FORMAT_EXTENSIBLE with this dwChannelMask */
  channelMask?: number;
  /** wValidBitsPerSample of WAVE_FORMAT_EXTENSIBLE (default bitsPerSample) */
  validBitsPerSample?: number;
  /** writes a bext chunk (EBU Tech 3285) with this TimeReference, samples since midnight */
  timeReferenceSamples?: number;
  /** RF64 with a ds64 chunk; the 32-bit RIFF and data sizes become 0xFFFFFFFF */
  rf64?: boolean;
  /** chunks written between fmt/bext and data */
  extraChunks?: { id: string; body: Uint8Array }[];
  /** writes this in the data size field (and the ds64 data size for RF64) instead of the true size */
  declaredDataSize?: number;
}

function ascii(view: DataView, at: number, text: string): void {
  for (let i = 0; i < 4; i++) view.setUint8(at + i, text.charCodeAt(i));
}

function chunkBytes(id: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  const view = new DataView(out.buffer);
  ascii(view, 0, id);
  view.setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

function fmtBody(o: WavWriteOptions): Uint8Array {
  const float = o.sampleType === "float";
  const blockAlign = (o.bitsPerSample / 8) * o.channels;
  const extensible = o.channelMask !== undefined;
  const body = new Uint8Array(extensible ? 40 : float ? 18 : 16);
  const view = new DataView(body.buffer);
  view.setUint16(0, extensible ? 0xfffe : float ? 3 : 1, true);
  view.setUint16(2, o.channels, true);
  view.setUint32(4, o.sampleRate, true);
  view.setUint32(8, o.sampleRate * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, o.bitsPerSample, true);
  if (body.length >= 18) view.setUint16(16, extensible ? 22 : 0, true);
  if (extensible) {
    view.setUint16(18, o.validBitsPerSample ?? o.bitsPerSample, true);
    view.setUint32(20, o.channelMask!, true);
    // SubFormat GUID: {0000000X-0000-0010-8000-00aa00389b71}
    const guidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
    view.setUint16(24, float ? 3 : 1, true);
    body.set(guidTail, 26);
  }
  return body;
}

function bextBody(timeReference: number): Uint8Array {
  const body = new Uint8Array(602); // version 1 layout without coding history
  const view = new DataView(body.buffer);
  view.setUint32(338, timeReference % 2 ** 32, true);
  view.setUint32(342, Math.floor(timeReference / 2 ** 32), true);
  view.setUint16(346, 1, true); // version
  return body;
}

/** Everything up to and including the data chunk header, for `dataBytes` bytes of samples. */
export function wavHeader(o: WavWriteOptions, dataBytes: number): Uint8Array {
  const declared = o.declaredDataSize ?? dataBytes;
  const parts: Uint8Array[] = [];
  if (o.rf64) {
    const ds64 = new Uint8Array(28);
    const view = new DataView(ds64.buffer);
    const blockAlign = (o.bitsPerSample / 8) * o.channels;
    view.setBigUint64(8, BigInt(declared), true);
    view.setBigUint64(16, BigInt(Math.floor(declared / blockAlign)), true);
    parts.push(chunkBytes("ds64", ds64));
  }
  parts.push(chunkBytes("fmt ", fmtBody(o)));
  if (o.timeReferenceSamples !== undefined) parts.push(chunkBytes("bext", bextBody(o.timeReferenceSamples)));
  for (const chunk of o.extraChunks ?? []) parts.push(chunkBytes(chunk.id, chunk.body));
  const dataHeader = new Uint8Array(8);
  const dataView = new DataView(dataHeader.buffer);
  ascii(dataView, 0, "data");
  dataView.setUint32(4, o.rf64 || declared > 0xffffffff ? 0xffffffff : declared, true);
  parts.push(dataHeader);

  const headerLength = 12 + parts.reduce((n, p) => n + p.length, 0);
  const riffSize = headerLength - 8 + declared + (declared & 1);
  if (o.rf64) {
    const ds64View = new DataView(parts[0].buffer);
    ds64View.setBigUint64(8, BigInt(riffSize), true); // ds64 body starts at byte 8 of the chunk
  }
  const out = new Uint8Array(headerLength);
  const view = new DataView(out.buffer);
  ascii(view, 0, o.rf64 ? "RF64" : "RIFF");
  view.setUint32(4, o.rf64 || riffSize > 0xffffffff ? 0xffffffff : riffSize, true);
  ascii(view, 8, "WAVE");
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Interleaved samples in [-1, 1] to the file's encoding (integers rounded and clipped). */
export function encodePcm(samples: ArrayLike<number>, o: WavWriteOptions): Uint8Array {
  const bytes = o.bitsPerSample / 8;
  const out = new Uint8Array(samples.length * bytes);
  const view = new DataView(out.buffer);
  if (o.sampleType === "float") {
    for (let i = 0; i < samples.length; i++) {
      if (bytes === 4) view.setFloat32(i * 4, samples[i], true);
      else view.setFloat64(i * 8, samples[i], true);
    }
    return out;
  }
  const full = 2 ** (o.bitsPerSample - 1);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-full, Math.min(full - 1, Math.round(samples[i] * full)));
    const at = i * bytes;
    if (bytes === 1) view.setUint8(at, v + 128);
    else if (bytes === 2) view.setInt16(at, v, true);
    else if (bytes === 3) {
      view.setUint8(at, v & 0xff);
      view.setUint8(at + 1, (v >> 8) & 0xff);
      view.setInt8(at + 2, v >> 16);
    } else view.setInt32(at, v, true);
  }
  return out;
}

/** A whole WAV file in memory (for small fixtures). */
export function encodeWav(o: WavWriteOptions, samples: ArrayLike<number>): Uint8Array {
  const data = encodePcm(samples, o);
  const header = wavHeader(o, data.length);
  const out = new Uint8Array(header.length + data.length + (data.length & 1));
  out.set(header, 0);
  out.set(data, header.length);
  return out;
}
