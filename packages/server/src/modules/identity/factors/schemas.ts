import { z } from "zod";

/** zod shapes shared by the factor routes (the OpenAPI document is generated from them). */

export const ZCode = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .describe("the code as typed; spaces and dashes are ignored");
export const ZName = z.string().trim().min(1).max(80);

/** a WebAuthn registration response (PublicKeyCredential JSON from @simplewebauthn/browser) */
export const ZRegistrationResponse = z.looseObject({
  id: z.string().min(1).max(1024),
  rawId: z.string().min(1).max(1024),
  type: z.literal("public-key"),
  response: z.looseObject({
    clientDataJSON: z.string().max(8192),
    attestationObject: z.string().max(65536),
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});

/** a WebAuthn authentication response (assertion) */
export const ZAuthenticationResponse = z.looseObject({
  id: z.string().min(1).max(1024),
  rawId: z.string().min(1).max(1024),
  type: z.literal("public-key"),
  response: z.looseObject({
    clientDataJSON: z.string().max(8192),
    authenticatorData: z.string().max(65536),
    signature: z.string().max(8192),
    userHandle: z.string().max(1024).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});

/** options for navigator.credentials.create/get, passed to the browser as they are */
export const ZCeremonyOptions = z.object({ options: z.looseObject({ challenge: z.string() }) });

export const ZFactor = z.object({
  id: z.string(),
  type: z.enum(["totp", "oath", "webauthn"]),
  name: z.string(),
  amr: z.enum(["otp", "hwk", "swk"]),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  serial: z.string().optional(),
  digits: z.number().optional(),
  period: z.number().optional(),
  deviceType: z.string().optional(),
  transports: z.array(z.string()).optional(),
});

export const ZCounts = z.object({
  total: z.number().describe("bound factors; recovery codes are not counted"),
  byType: z.object({ totp: z.number(), oath: z.number(), webauthn: z.number(), recovery: z.number() }),
});

/** the session after a step that rotated it: the UI must use the new anti-CSRF token */
export const ZRotated = z.object({
  stage: z.enum(["password", "enrol", "complete"]),
  csrfToken: z.string(),
});

export const ZError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
