import type { Actor } from "../../../platform/audit/record.ts";
import { recordAudit } from "../../../platform/audit/record.ts";
import type { AppContext } from "../../../platform/context.ts";
import type { Queryable } from "../../../platform/db/client.ts";

/**
 * Results of checking something a person presented (a code, a WebAuthn response). A refusal is a
 * value, not an exception: the caller commits the audit record of the failure, then answers the
 * request, so failed attempts are never rolled back out of the log.
 */
export type Refusal =
  | "wrong_code"
  | "replayed"
  | "expired"
  | "not_found"
  | "no_factor"
  | "counter_regressed"
  | "user_not_verified"
  | "invalid_response"
  | "already_registered";

export type Checked<T> = ({ ok: true } & T) | { ok: false; reason: Refusal };

export interface FactorOwner {
  id: string;
  email: string;
  name: string;
}

export const userTarget = (owner: Pick<FactorOwner, "id" | "email">) => ({
  type: "user",
  id: owner.id,
  label: owner.email,
});

/** record a refused attempt and hand the refusal back */
export async function refuse(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  actor: Actor,
  owner: Pick<FactorOwner, "id" | "email">,
  action: string,
  reason: Refusal,
  details: Record<string, unknown> = {},
): Promise<{ ok: false; reason: Refusal }> {
  await recordAudit(q, ctx.clock, actor, {
    action,
    outcome: "failure",
    reason,
    target: userTarget(owner),
    details,
  });
  return { ok: false, reason };
}

/** What a person is told: specific enough to act on, never which part of a secret was wrong. */
export function refusalMessage(reason: Refusal): string {
  switch (reason) {
    case "replayed":
      return "That code was already used. Wait for the next code and enter it.";
    case "expired":
      return "This step took too long. Start again.";
    case "not_found":
      return "Nothing to confirm here: start again.";
    case "no_factor":
      return "No factor of that kind is set up for your account.";
    case "counter_regressed":
      return "This security key reported a signature counter lower than before, which can mean it was cloned. It was refused; contact the studio's security team.";
    case "user_not_verified":
      return "Your security key did not verify you (PIN or fingerprint). Use a key with user verification.";
    case "invalid_response":
      return "The security key's answer could not be verified. Try again.";
    case "already_registered":
      return "This security key is already registered.";
    default:
      return "That code is not right. Check it and try again.";
  }
}
