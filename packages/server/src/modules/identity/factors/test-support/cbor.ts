/**
 * A tiny CBOR encoder (RFC 8949), enough for WebAuthn test authenticators: unsigned and negative
 * integers, byte and text strings, arrays, and maps (a Map keeps COSE's integer keys in order).
 */
export type CborValue = number | string | Uint8Array | CborValue[] | Map<number | string, CborValue>;

function head(major: number, n: number): Uint8Array {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 0x100) return Uint8Array.of((major << 5) | 24, n);
  if (n < 0x10000) return Uint8Array.of((major << 5) | 25, n >> 8, n & 0xff);
  const b = new Uint8Array(5);
  b[0] = (major << 5) | 26;
  new DataView(b.buffer).setUint32(1, n);
  return b;
}

export function encodeCbor(value: CborValue): Uint8Array {
  const parts: Uint8Array[] = [];
  const put = (v: CborValue) => {
    if (typeof v === "number") {
      if (!Number.isInteger(v)) throw new Error("only integers are supported");
      parts.push(v >= 0 ? head(0, v) : head(1, -1 - v));
    } else if (typeof v === "string") {
      const bytes = new TextEncoder().encode(v);
      parts.push(head(3, bytes.length), bytes);
    } else if (v instanceof Uint8Array) {
      parts.push(head(2, v.length), v);
    } else if (Array.isArray(v)) {
      parts.push(head(4, v.length));
      v.forEach(put);
    } else {
      parts.push(head(5, v.size));
      for (const [k, item] of v) {
        put(k);
        put(item);
      }
    }
  };
  put(value);
  return Buffer.concat(parts);
}
