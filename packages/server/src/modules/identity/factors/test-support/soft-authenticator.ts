import crypto from "node:crypto";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { type CborValue, encodeCbor } from "./cbor.ts";

/**
 * A real software WebAuthn authenticator for server tests: an EC P-256 key made with node:crypto,
 * attestation "none" encoded in CBOR, authenticator data with the RP id hash, flags and counter,
 * and assertions signed with the private key. The server verifies them exactly as it verifies a
 * browser's; tests can turn user verification off or wind the counter back.
 */
const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 };

const b64url = (b: Uint8Array | string) => Buffer.from(b).toString("base64url");

export interface SoftAuthenticatorOptions {
  origin: string;
  /** does the authenticator verify its user (PIN/biometric)? */
  userVerification?: boolean;
  /** a synced passkey: backup eligible and backed up */
  synced?: boolean;
  transports?: string[];
  attachment?: "platform" | "cross-platform";
}

export class SoftAuthenticator {
  readonly credentialId = crypto.randomBytes(32);
  readonly #keys = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  counter = 0;
  readonly opts: Required<SoftAuthenticatorOptions>;

  constructor(opts: SoftAuthenticatorOptions) {
    this.opts = {
      userVerification: true,
      synced: false,
      transports: ["usb"],
      attachment: "cross-platform",
      ...opts,
    };
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  #rpIdHash(): Buffer {
    return crypto.createHash("sha256").update(new URL(this.opts.origin).hostname).digest();
  }

  #flags(extra: number, uv: boolean): number {
    let f = FLAG.UP | extra;
    if (uv) f |= FLAG.UV;
    if (this.opts.synced) f |= FLAG.BE | FLAG.BS;
    return f;
  }

  #coseKey(): Uint8Array {
    const jwk = this.#keys.publicKey.export({ format: "jwk" });
    return encodeCbor(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, "base64url")],
        [-3, Buffer.from(jwk.y!, "base64url")],
      ]),
    );
  }

  #clientData(type: "webauthn.create" | "webauthn.get", challenge: string, origin?: string): Buffer {
    return Buffer.from(
      JSON.stringify({ type, challenge, origin: origin ?? this.opts.origin, crossOrigin: false }),
    );
  }

  /** navigator.credentials.create() for the given options */
  register(options: { challenge: string }, o: { uv?: boolean } = {}): RegistrationResponseJSON {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([
      this.#rpIdHash(),
      Buffer.of(this.#flags(FLAG.AT, o.uv ?? this.opts.userVerification)),
      counter,
      Buffer.alloc(16), // AAGUID: all zero, as attestation "none" authenticators often send
      idLength,
      this.credentialId,
      this.#coseKey(),
    ]);
    const attestationObject = encodeCbor(
      new Map<string, CborValue>([
        ["fmt", "none"],
        ["attStmt", new Map<string, CborValue>()],
        ["authData", authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: b64url(this.#clientData("webauthn.create", options.challenge)),
        attestationObject: b64url(attestationObject),
        transports: this.opts.transports as never,
      },
      clientExtensionResults: {},
      authenticatorAttachment: this.opts.attachment,
    };
  }

  /** navigator.credentials.get(): counts up unless `counter` forces a value */
  assert(
    options: { challenge: string },
    o: { uv?: boolean; counter?: number; origin?: string } = {},
  ): AuthenticationResponseJSON {
    this.counter = o.counter ?? this.counter + 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const authData = Buffer.concat([
      this.#rpIdHash(),
      Buffer.of(this.#flags(0, o.uv ?? this.opts.userVerification)),
      counter,
    ]);
    const clientData = this.#clientData("webauthn.get", options.challenge, o.origin);
    const signature = crypto.sign(
      "sha256",
      Buffer.concat([authData, crypto.createHash("sha256").update(clientData).digest()]),
      this.#keys.privateKey,
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
      },
      clientExtensionResults: {},
      authenticatorAttachment: this.opts.attachment,
    };
  }
}
