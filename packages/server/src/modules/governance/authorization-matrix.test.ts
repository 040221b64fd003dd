/**
 * The authorization matrix: every route of the app, called as every kind of caller, against a
 * declared policy. It fails when
 *   - a registered route has no policy here (a new route must say who may call it),
 *   - a policy names a route that no longer exists,
 *   - a caller the policy refuses gets through, or a caller it allows is refused.
 * "Refused" means 401/403 with an authorization code, or 404 from a partner-scoped route called by
 * another partner's Vendor Manager (Loupe answers 404 there so a partner cannot learn that another
 * partner's object exists). Anything else (2xx, a validation or business error) means the caller
 * got past the gate. Role gates run before body validation in governance; for the other modules
 * each call sends a valid body where validation would otherwise answer first.
 * Public routes (sign-in, invitation, reset...) are checked for being reachable without a session:
 * their own "wrong password" answers are business answers, not authorization.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DAY } from "../../platform/clock.ts";
import { createTestContext, type TestContext } from "../../test-support/test-context.ts";
import { testDatabaseKind } from "../../test-support/test-database.ts";
import type { AuthUser } from "../identity/auth-types.ts";
import { launchCampaign, listLines } from "./campaigns.ts";
import { submitRequest } from "./requests.ts";
import { callerOf, makePartner, makePerson, signedIn } from "./test-fixtures.ts";

const PERSONAS = [
  "anonymous",
  "security_auditor",
  "vm_other",
  "download_manager",
  "operator",
  "verifier",
  "vm_own",
  "studio_admin", // last: the admin's calls change state (approve, deactivate) the others must not see
] as const;
type Persona = (typeof PERSONAS)[number];

const SIGNED_IN: Persona[] = PERSONAS.filter((p) => p !== "anonymous");
const ADMIN: Persona[] = ["studio_admin"];
const STUDIO: Persona[] = ["studio_admin", "security_auditor"];
/** lists filtered to the caller's own partner: every Vendor Manager may call them */
const GOV_READERS: Persona[] = ["studio_admin", "security_auditor", "vm_own", "vm_other"];
/** one object of partner A: the other partner's Vendor Manager is refused with 404 */
const SCOPED_READ: Persona[] = ["studio_admin", "security_auditor", "vm_own"];
const SCOPED_WRITE: Persona[] = ["studio_admin", "vm_own"];
/** steps of an unfinished sign-in: no complete session may use them */
const SIGN_IN_STEP: Persona[] = [];

interface Fixture {
  partnerA: string;
  partnerB: string;
  requestA: string;
  campaignA: string;
  lineA: string;
  victim: string;
  n: () => number;
}

interface Policy {
  allow: Persona[] | "public";
  /** partner-scoped: another partner's Vendor Manager gets 404 */
  scoped?: boolean;
  params?: (f: Fixture) => Record<string, string>;
  body?: (f: Fixture) => unknown;
}

const uuid = "00000000-0000-4000-8000-000000000000";
/** well-formed (and wrong) WebAuthn responses: they pass validation, so the guard decides */
const assertion = {
  response: {
    id: "AAAA",
    rawId: "AAAA",
    type: "public-key",
    response: { clientDataJSON: "e30", authenticatorData: "AAAA", signature: "AAAA" },
  },
};
const registration = {
  name: "Key",
  response: {
    id: "AAAA",
    rawId: "AAAA",
    type: "public-key",
    response: { clientDataJSON: "e30", attestationObject: "AAAA" },
  },
};
const strongPassword = "violet anchor marble 93";

const POLICIES: Record<string, Policy> = {
  // platform
  "GET /api/health": { allow: "public" },
  "GET /api/openapi.json": { allow: "public" },
  // identity: sign-in and account links, reachable without a session
  "GET /api/auth/session": { allow: "public" },
  "POST /api/auth/sign-in": {
    allow: "public",
    body: () => ({ email: "nobody@studio.example", password: strongPassword }),
  },
  "POST /api/auth/sign-out": { allow: "public" },
  "POST /api/auth/bootstrap": {
    allow: "public",
    body: () => ({ token: "x".repeat(43), name: "A", email: "a@studio.example", password: strongPassword }),
  },
  "POST /api/auth/invitation/inspect": { allow: "public", body: () => ({ token: "x".repeat(43) }) },
  "POST /api/auth/invitation/accept": {
    allow: "public",
    body: () => ({ token: "x".repeat(43), password: strongPassword }),
  },
  "POST /api/auth/verify-email": { allow: "public", body: () => ({ token: "x".repeat(43) }) },
  "POST /api/auth/password-reset/request": {
    allow: "public",
    body: () => ({ email: "nobody@studio.example" }),
  },
  "POST /api/auth/password-reset/complete": {
    allow: "public",
    body: () => ({ token: "x".repeat(43), password: strongPassword }),
  },
  // identity: steps of an unfinished sign-in
  "POST /api/auth/enrolment/postpone": { allow: SIGN_IN_STEP },
  "POST /api/auth/mfa/otp": { allow: SIGN_IN_STEP, body: () => ({ code: "123456" }) },
  "POST /api/auth/mfa/recovery-code": { allow: SIGN_IN_STEP, body: () => ({ code: "abcd-efgh-ijkl" }) },
  "POST /api/auth/mfa/webauthn/options": { allow: SIGN_IN_STEP },
  "POST /api/auth/mfa/webauthn/verify": { allow: SIGN_IN_STEP, body: () => assertion },
  // identity: any signed-in person, for themselves
  "GET /api/auth/sessions": { allow: SIGNED_IN },
  "DELETE /api/auth/sessions/:id": { allow: SIGNED_IN, params: () => ({ id: "f".repeat(64) }) },
  "POST /api/auth/sessions/sign-out-everywhere": { allow: SIGNED_IN, body: () => ({}) },
  "POST /api/auth/password/change": {
    allow: SIGNED_IN,
    body: () => ({ currentPassword: strongPassword, newPassword: `${strongPassword} changed` }),
  },
  "POST /api/auth/step-up/otp": { allow: SIGNED_IN, body: () => ({ code: "123456" }) },
  "POST /api/auth/step-up/recovery-code": { allow: SIGNED_IN, body: () => ({ code: "abcd-efgh-ijkl" }) },
  "POST /api/auth/step-up/webauthn/options": { allow: SIGNED_IN },
  "POST /api/auth/step-up/webauthn/verify": { allow: SIGNED_IN, body: () => assertion },
  "GET /api/factors": { allow: SIGNED_IN },
  "POST /api/factors/totp": { allow: SIGNED_IN, body: () => ({ label: "Desktop app" }) },
  "POST /api/factors/totp/confirm": { allow: SIGNED_IN, body: () => ({ id: uuid, code: "123456" }) },
  "POST /api/factors/oath/claim": { allow: SIGNED_IN, body: () => ({ serial: "SN-NONE", code: "123456" }) },
  "POST /api/factors/webauthn/options": { allow: SIGNED_IN, body: () => ({}) },
  "POST /api/factors/webauthn/verify": { allow: SIGNED_IN, body: () => registration },
  "PATCH /api/factors/:id": {
    allow: SIGNED_IN,
    params: () => ({ id: uuid }),
    body: () => ({ name: "Renamed" }),
  },
  "DELETE /api/factors/:id": { allow: SIGNED_IN, params: () => ({ id: uuid }) },
  "POST /api/factors/recovery-codes": { allow: SIGNED_IN },
  // identity: the studio's account administration
  "GET /api/admin/users": { allow: ADMIN },
  "POST /api/admin/users": {
    allow: ADMIN,
    body: (f) => ({
      name: "New Person",
      email: `new${f.n()}@vendor-a.example`,
      partnerId: f.partnerA,
      roles: ["operator"],
    }),
  },
  "POST /api/admin/users/:id/resend-invitation": { allow: ADMIN, params: (f) => ({ id: f.victim }) },
  "POST /api/admin/users/:id/suspend": {
    allow: ADMIN,
    params: (f) => ({ id: f.victim }),
    body: () => ({ reason: "matrix test" }),
  },
  "POST /api/admin/users/:id/reactivate": {
    allow: ADMIN,
    params: (f) => ({ id: f.victim }),
    body: () => ({ reason: "matrix test" }),
  },
  "POST /api/admin/users/:id/deactivate": {
    allow: ADMIN,
    params: (f) => ({ id: f.victim }),
    body: () => ({ reason: "matrix test" }),
  },
  "GET /api/admin/role-address-patterns": { allow: ADMIN },
  "POST /api/admin/role-address-patterns": { allow: ADMIN, body: (f) => ({ pattern: `zz-matrix-${f.n()}` }) },
  "DELETE /api/admin/role-address-patterns/:pattern": {
    allow: ADMIN,
    params: () => ({ pattern: "zz-none" }),
  },
  "GET /api/oath-tokens": { allow: ADMIN },
  "POST /api/oath-tokens/import": {
    allow: ADMIN,
    body: () => ({ format: "csv", content: "serial,secret,digits,period\n", dryRun: true }),
  },
  "POST /api/oath-tokens/:serial/assign": {
    allow: ADMIN,
    params: () => ({ serial: "SN-NONE" }),
    body: (f) => ({ userId: f.victim }),
  },
  "GET /api/users/:id/factors": { allow: ADMIN, params: (f) => ({ id: f.victim }) },
  "POST /api/users/:id/reset-factors": {
    allow: ADMIN,
    params: (f) => ({ id: f.victim }),
    body: () => ({ reason: "matrix test: lost key" }),
  },
  // audit log: the studio's readers
  "GET /api/audit-log": { allow: STUDIO },
  "GET /api/audit-log/export.csv": { allow: STUDIO },
  // governance
  "GET /api/governance/task-types": { allow: SIGNED_IN },
  "PUT /api/governance/task-types/:key": {
    allow: ADMIN,
    params: () => ({ key: "matrix_test" }),
    body: () => ({ name: "Matrix Test", description: "A task type made by the matrix test." }),
  },
  "GET /api/governance/partners": { allow: GOV_READERS },
  "POST /api/governance/partners": {
    allow: ADMIN,
    body: (f) => ({ name: `Matrix Partner ${f.n()}`, allowedDomains: ["matrix.example"] }),
  },
  "GET /api/governance/partners/:partnerId": { allow: SCOPED_READ, scoped: true },
  "PATCH /api/governance/partners/:partnerId": {
    allow: ADMIN,
    scoped: true,
    body: () => ({ contactName: "Val Manager" }),
  },
  "GET /api/governance/partners/:partnerId/people": { allow: SCOPED_READ, scoped: true },
  "POST /api/governance/partners/:partnerId/mfa-reminders": { allow: ADMIN, scoped: true },
  "GET /api/governance/mfa-adoption": { allow: STUDIO },
  "GET /api/governance/requests": { allow: GOV_READERS },
  "POST /api/governance/requests": {
    allow: SCOPED_WRITE,
    scoped: true,
    body: (f) => ({
      kind: "onboard",
      partnerId: f.partnerA,
      name: "Matrix Person",
      email: `person${f.n()}@vendor-a.example`,
      roles: ["operator"],
      taskTypes: ["spot_qc"],
    }),
  },
  "GET /api/governance/requests/:id": { allow: SCOPED_READ, scoped: true },
  "POST /api/governance/requests/:id/approve": { allow: ADMIN, scoped: true, body: () => ({}) },
  "POST /api/governance/requests/:id/reject": {
    allow: ADMIN,
    scoped: true,
    body: () => ({ reason: "matrix" }),
  },
  "GET /api/governance/campaigns": { allow: GOV_READERS },
  "POST /api/governance/campaigns": {
    allow: ADMIN,
    body: (f) => ({
      name: "Matrix audit",
      partnerIds: [f.partnerB],
      deadline: new Date(Date.UTC(2026, 5, 1)).toISOString(),
    }),
  },
  "GET /api/governance/campaigns/:id": { allow: SCOPED_READ, scoped: true },
  "GET /api/governance/campaigns/:id/lines": { allow: SCOPED_READ, scoped: true },
  "POST /api/governance/campaigns/:id/lines/:lineId/review": {
    allow: SCOPED_WRITE,
    scoped: true,
    body: () => ({ decision: "keep" }),
  },
  "GET /api/governance/campaigns/:id/report.csv": { allow: STUDIO, scoped: true },
  "POST /api/governance/import": {
    allow: ADMIN,
    body: () => ({ csv: "partner,name,email,roles,task types\n" }),
  },
};

const REFUSAL_CODES = new Set([
  "UNAUTHENTICATED",
  "SESSION_EXPIRED",
  "ACCOUNT_INACTIVE",
  "FORBIDDEN",
  "CSRF",
  "MFA_REQUIRED",
  "MFA_ENROLMENT_REQUIRED",
]);

/** Every method + path under /api, read from Fastify's route tree (HEAD twins of GETs left out). */
function registeredRoutes(t: TestContext): string[] {
  const out: string[] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of t.app.printRoutes({ commonPrefix: false }).split("\n")) {
    const m = line.match(/^((?:[│ ] {3})*)(?:[├└]── )?(\S+?)(?: \(([A-Z, ]+)\))?$/u);
    if (!m?.[2]) continue;
    const depth = m[1].length / 4;
    while (stack.length && stack[stack.length - 1].depth >= depth) stack.pop();
    const path = (stack.at(-1)?.path ?? "") + m[2];
    stack.push({ depth, path });
    if (!path.startsWith("/api/") || !m[3]) continue;
    for (const method of m[3].split(", ")) if (method !== "HEAD") out.push(`${method} ${path}`);
  }
  return out.sort();
}

describe(`authorization matrix: every route as every role (${testDatabaseKind()})`, () => {
  let t: TestContext;
  let f: Fixture;
  const people = new Map<Persona, AuthUser>();

  before(async () => {
    t = await createTestContext();
    const db = t.database.db;
    const partnerA = await makePartner(db, t, {
      name: "Vendor A",
      domains: ["vendor-a.example"],
      verifierSeats: 50,
    });
    const partnerB = await makePartner(db, t, { name: "Vendor B", domains: ["vendor-b.example"] });
    const person = (
      persona: Persona,
      name: string,
      email: string,
      partnerId: string | null,
      roles: AuthUser["roles"],
    ) => makePerson(db, t, { name, email, partnerId, roles }).then((u) => people.set(persona, u));
    await person("studio_admin", "Ada Admin", "ada@studio.example", null, ["studio_admin"]);
    await person("security_auditor", "Sam Auditor", "sam@studio.example", null, ["security_auditor"]);
    await person("vm_own", "Val Manager", "val@vendor-a.example", partnerA, ["vendor_manager"]);
    await person("vm_other", "Bo Manager", "bo@vendor-b.example", partnerB, ["vendor_manager"]);
    await person("download_manager", "Dee Download", "dee@vendor-a.example", partnerA, ["download_manager"]);
    await person("operator", "Otto Operator", "otto@vendor-a.example", partnerA, ["operator"]);
    await person("verifier", "Vera Verifier", "vera@vendor-a.example", partnerA, ["operator", "verifier"]);
    const victim = await makePerson(db, t, {
      name: "Vic Victim",
      email: "vic@vendor-a.example",
      partnerId: partnerA,
      roles: ["operator"],
    });
    const admin = callerOf(people.get("studio_admin")!);
    const request = await submitRequest(t, admin, {
      kind: "onboard",
      partnerId: partnerA,
      name: "Pending Person",
      email: "pending@vendor-a.example",
      roles: ["operator"],
      taskTypes: [],
    });
    const campaign = await launchCampaign(t, admin, {
      name: "Matrix fixture",
      partnerIds: [partnerA],
      deadline: new Date(t.clock.now().getTime() + 30 * DAY),
    });
    const lines = await listLines(t, admin, campaign.id);
    const line = lines.find((l) => l.userId === people.get("operator")!.id)!;
    let counter = 0;
    f = {
      partnerA,
      partnerB,
      requestA: request.id,
      campaignA: campaign.id,
      lineA: line.id,
      victim: victim.id,
      n: () => ++counter,
    };
  });
  after(() => t.close());

  test("every registered route declares its policy, and every policy names a route", () => {
    const routes = registeredRoutes(t);
    assert.ok(routes.length > 40, `found only ${routes.length} routes: is the route tree parsed?`);
    const missing = routes.filter((r) => !(r in POLICIES));
    assert.deepEqual(missing, [], "routes without a declared policy");
    const stale = Object.keys(POLICIES).filter((r) => !routes.includes(r));
    assert.deepEqual(stale, [], "policies for routes that do not exist");
  });

  test("each route refuses exactly the callers its policy refuses", async (run) => {
    const wrong: string[] = [];
    let calls = 0;
    for (const route of registeredRoutes(t)) {
      const policy = POLICIES[route];
      if (!policy) continue;
      const [method, pattern] = route.split(" ");
      const params: Record<string, string> = {
        partnerId: f.partnerA,
        id: pattern.includes("/requests/")
          ? f.requestA
          : pattern.includes("/campaigns/")
            ? f.campaignA
            : uuid,
        lineId: f.lineA,
        ...policy.params?.(f),
      };
      const url = pattern.replace(/:(\w+)/g, (_, name: string) => params[name]);
      const personas = policy.allow === "public" ? (["anonymous"] as Persona[]) : PERSONAS;
      for (const persona of personas) {
        const headers: Record<string, string> =
          persona === "anonymous" ? { "x-csrf-token": "anonymous" } : await signedIn(t, people.get(persona)!);
        const body = policy.body?.(f);
        const res = await t.app.inject({
          method: method as "GET",
          url,
          headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
          payload: body === undefined ? undefined : JSON.stringify(body),
        });
        calls++;
        let code: string | undefined;
        try {
          code = res.json().error?.code;
        } catch {
          code = undefined;
        }
        const refused =
          policy.allow === "public"
            ? code === "FORBIDDEN" ||
              code === "CSRF" ||
              code === "MFA_REQUIRED" ||
              code === "MFA_ENROLMENT_REQUIRED"
            : (REFUSAL_CODES.has(code ?? "") && (res.statusCode === 401 || res.statusCode === 403)) ||
              (policy.scoped === true && res.statusCode === 404);
        const shouldPass = policy.allow === "public" || policy.allow.includes(persona);
        if (res.statusCode >= 500)
          wrong.push(`${route} as ${persona}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        else if (shouldPass === refused) {
          wrong.push(
            `${route} as ${persona}: ${shouldPass ? "refused" : "allowed"} (${res.statusCode} ${code ?? ""}) but the policy says ${shouldPass ? "allow" : "refuse"}`,
          );
        }
      }
    }
    run.diagnostic(`${calls} calls over ${Object.keys(POLICIES).length} routes`);
    assert.deepEqual(wrong, []);
  });
});
