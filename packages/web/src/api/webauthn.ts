import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
} from "@simplewebauthn/browser";
import { post } from "./client.ts";

type OptionsEnvelope = { options?: unknown } & Record<string, unknown>;

/** servers answer either the options themselves or { options, ...extra } */
function optionsOf(raw: OptionsEnvelope): unknown {
  return raw.options ?? raw;
}

export function webauthnAvailable(): boolean {
  return browserSupportsWebAuthn();
}

/** One WebAuthn ceremony: options from the server, the browser talks to the key, the server verifies. */
export async function authenticateWithKey<T>(
  optionsPath: string,
  verifyPath: string,
  extra: Record<string, unknown> = {},
): Promise<T> {
  const raw = await post<OptionsEnvelope>(optionsPath, extra);
  // biome-ignore lint/suspicious/noExplicitAny: the options JSON is the server's, passed through as is
  const response = await startAuthentication({ optionsJSON: optionsOf(raw) as any });
  return post<T>(verifyPath, { ...extra, response });
}

export async function registerKey<T>(
  optionsPath: string,
  verifyPath: string,
  extra: Record<string, unknown>,
): Promise<T> {
  const raw = await post<OptionsEnvelope>(optionsPath, extra);
  // biome-ignore lint/suspicious/noExplicitAny: the options JSON is the server's, passed through as is
  const response = await startRegistration({ optionsJSON: optionsOf(raw) as any });
  return post<T>(verifyPath, { ...extra, response });
}

export function cancelCeremony(): void {
  WebAuthnAbortService.cancelCeremony();
}

/** the browser's ceremony errors in words a person can act on */
export function describeWebAuthnError(err: unknown): Error {
  const name = (err as { name?: string })?.name;
  if (name === "NotAllowedError")
    return new Error("The security key did not answer, or the request was cancelled. Try again.");
  if (name === "InvalidStateError")
    return new Error("This security key is already registered to your account.");
  if (name === "SecurityError")
    return new Error("Security keys only work on the address Loupe is set up for.");
  return err instanceof Error ? err : new Error(String(err));
}
