import type { LightMyRequestResponse } from "fastify";
import type { TestContext } from "../../test-support/test-context.ts";
import type { Role } from "../directory/schema.ts";
import { partners } from "../directory/schema.ts";
import { createAccount, storePassword } from "./accounts.ts";
import type { SessionStage } from "./auth-types.ts";
import { createSession, SESSION_COOKIE } from "./session-service.ts";

/**
 * Test helpers for the identity module (and the modules built on it): make accounts and sessions
 * through the real services, and call the API the way the browser does (cookie + x-csrf-token).
 */
export interface Browser {
  cookie: string | null;
  csrf: string;
  /** the client address the server sees (default 127.0.0.1) */
  ip?: string;
}

export function newBrowser(ip?: string): Browser {
  return { cookie: null, csrf: "anonymous-browser", ip };
}

/** the session cookie's value set by a response, if any ("" when it was cleared) */
export function sessionCookieOf(res: LightMyRequestResponse): string | null {
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  return c ? c.value : null;
}

/** one request as a browser on our own origin makes it; remembers a new session cookie */
export async function call(
  t: TestContext,
  b: Browser,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const res = await t.app.inject({
    method,
    url,
    remoteAddress: b.ip,
    payload: body as Record<string, unknown> | undefined,
    headers: {
      ...(b.cookie ? { cookie: `${SESSION_COOKIE}=${b.cookie}` } : {}),
      ...(method === "GET" ? {} : { "x-csrf-token": b.csrf }),
      "user-agent": "identity-test",
      ...headers,
    },
  });
  const set = sessionCookieOf(res);
  if (set !== null) b.cookie = set || null;
  const json = res.headers["content-type"]?.toString().startsWith("application/json") ? res.json() : null;
  if (json && typeof json.csrfToken === "string") b.csrf = json.csrfToken;
  return res;
}

let seq = 0;
export async function createPartner(t: TestContext, name: string, domains: string[]): Promise<string> {
  const id = crypto.randomUUID();
  await t.database.db
    .insert(partners)
    .values({ id, name, allowedDomains: domains, createdAt: t.clock.now() });
  return id;
}

/** an active account with a password, made through the services */
export async function createActiveUser(
  t: TestContext,
  opts: { email?: string; name?: string; password?: string; roles?: Role[]; partnerId?: string | null } = {},
): Promise<{ id: string; email: string; password: string }> {
  seq++;
  const email = opts.email ?? `person${seq}.${Date.now()}@studio.example`;
  const password = opts.password ?? "correct horse battery staple";
  const user = await createAccount(
    t.database.db,
    t,
    {},
    {
      name: opts.name ?? `Test Person ${seq}`,
      email,
      partnerId: opts.partnerId ?? null,
      roles: opts.roles ?? ["studio_admin"],
      status: "active",
    },
  );
  await storePassword(t.database.db, t, user.id, password);
  return { id: user.id, email, password };
}

/** a browser holding a session at `stage` for the user, made through the session service */
export async function browserWithSession(
  t: TestContext,
  userId: string,
  stage: SessionStage = "complete",
): Promise<Browser> {
  const issued = await createSession(
    t.database.db,
    t,
    { id: userId },
    { stage, amr: stage === "complete" ? ["pwd", "otp"] : ["pwd"] },
    { ip: "127.0.0.1", userAgent: "identity-test" },
  );
  return { cookie: issued.token, csrf: issued.csrfToken };
}
