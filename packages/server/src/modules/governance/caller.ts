import type { Actor } from "../../platform/audit/record.ts";
import type { AuthUser } from "../identity/auth-types.ts";

/** The signed-in person calling a governance service, and where from (for the audit log). */
export interface Caller {
  user: AuthUser;
  actor: Actor;
}
