import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { createTestContext, type TestContext } from "../../test-support/test-context.ts";
import { testDatabaseKind } from "../../test-support/test-database.ts";
import { users } from "../directory/schema.ts";
import type { AuthUser } from "../identity/auth-types.ts";
import { sessions } from "../identity/schema.ts";
import { createSession } from "../identity/session-service.ts";
import { getPerson } from "./people.ts";
import { approveRequest, getRequest, listRequests, rejectRequest, submitRequest } from "./requests.ts";
import { callerOf, makePartner, makePerson } from "./test-fixtures.ts";

const code = (c: string) => (err: unknown) => {
  assert.equal((err as { code?: string }).code, c, String(err));
  return true;
};

describe(`the request form (${testDatabaseKind()})`, () => {
  let t: TestContext;
  let partnerA: string;
  let partnerB: string;
  let admin: AuthUser;
  let auditor: AuthUser;
  let vmA: AuthUser;
  let vmB: AuthUser;
  let operatorA: AuthUser;
  let verifierA: AuthUser;

  before(async () => {
    t = await createTestContext();
    const db = t.database.db;
    partnerA = await makePartner(db, t, {
      name: "Vendor A",
      domains: ["vendor-a.example"],
      verifierSeats: 2,
    });
    partnerB = await makePartner(db, t, { name: "Vendor B", domains: ["vendor-b.example"] });
    admin = await makePerson(db, t, {
      name: "Ada Admin",
      email: "ada@studio.example",
      partnerId: null,
      roles: ["studio_admin"],
    });
    auditor = await makePerson(db, t, {
      name: "Sam Auditor",
      email: "sam@studio.example",
      partnerId: null,
      roles: ["security_auditor"],
    });
    vmA = await makePerson(db, t, {
      name: "Val Manager",
      email: "val@vendor-a.example",
      partnerId: partnerA,
      roles: ["vendor_manager"],
    });
    vmB = await makePerson(db, t, {
      name: "Bo Manager",
      email: "bo@vendor-b.example",
      partnerId: partnerB,
      roles: ["vendor_manager"],
    });
    operatorA = await makePerson(db, t, {
      name: "Otto Operator",
      email: "otto@vendor-a.example",
      partnerId: partnerA,
      roles: ["operator"],
      taskTypes: ["full_qc", "spot_qc"],
    });
    verifierA = await makePerson(db, t, {
      name: "Vera Verifier",
      email: "vera@vendor-a.example",
      partnerId: partnerA,
      roles: ["operator", "verifier"],
      taskTypes: ["full_qc", "verification"],
    });
  });
  after(() => t.close());

  const onboard = (over: Record<string, unknown> = {}) => ({
    kind: "onboard" as const,
    partnerId: partnerA,
    name: "Nina New",
    email: "nina@vendor-a.example",
    roles: ["operator" as const],
    taskTypes: ["spot_qc"],
    ...over,
  });

  test("onboarding is validated at once: domain, role address, duplicate person, task types", async () => {
    await assert.rejects(
      submitRequest(t, callerOf(vmA), onboard({ email: "nina@gmail.com" })),
      code("DOMAIN_NOT_ALLOWED"),
    );
    await assert.rejects(
      submitRequest(
        t,
        callerOf(vmA),
        onboard({ email: "qc-team@vendor-a.example", roles: ["download_manager"] }),
      ),
      code("ROLE_ADDRESS"),
    );
    await assert.rejects(
      submitRequest(t, callerOf(vmA), onboard({ email: "dl-ops@vendor-a.example" })),
      code("ROLE_ADDRESS"),
    );
    // case and +tag do not make a second person
    await assert.rejects(
      submitRequest(t, callerOf(vmA), onboard({ email: "Otto+new@Vendor-A.example" })),
      code("CONFLICT"),
    );
    await assert.rejects(
      submitRequest(t, callerOf(vmA), onboard({ taskTypes: ["teleport_qc"] })),
      code("VALIDATION"),
    );
    await assert.rejects(
      submitRequest(t, callerOf(vmA), onboard({ taskTypes: ["verification"] })),
      code("VALIDATION"),
    );
    await assert.rejects(submitRequest(t, callerOf(vmA), onboard({ roles: [] })), code("VALIDATION"));
    assert.equal((await listRequests(t, callerOf(admin))).length, 0, "refused requests change nothing");

    const ok = await submitRequest(t, callerOf(vmA), onboard());
    assert.equal(ok.status, "pending");
    // the same person cannot be asked for twice while the first request is open
    await assert.rejects(
      submitRequest(t, callerOf(vmA), onboard({ email: "NINA@vendor-a.example" })),
      code("CONFLICT"),
    );
    await rejectRequest(t, callerOf(admin), ok.id, "test cleanup");
  });

  test("verifier seats are limited per partner, open requests included", async () => {
    // Vendor A: 2 seats, Vera holds one
    const first = await submitRequest(
      t,
      callerOf(vmA),
      onboard({ email: "vic@vendor-a.example", roles: ["verifier"] }),
    );
    await assert.rejects(
      submitRequest(t, callerOf(vmA), onboard({ email: "vix@vendor-a.example", roles: ["verifier"] })),
      code("SEAT_LIMIT"),
    );
    await assert.rejects(
      submitRequest(t, callerOf(vmA), {
        kind: "change_roles",
        userId: operatorA.id,
        roles: ["operator", "verifier"],
      }),
      code("SEAT_LIMIT"),
    );
    await rejectRequest(t, callerOf(admin), first.id, "no");
    const change = await submitRequest(t, callerOf(vmA), {
      kind: "change_roles",
      userId: operatorA.id,
      roles: ["operator", "verifier"],
    });
    await rejectRequest(t, callerOf(admin), change.id, "no");
  });

  test("scoping: a Vendor Manager acts only for their own facility, others' objects are not found", async () => {
    await assert.rejects(submitRequest(t, callerOf(vmB), onboard()), code("NOT_FOUND"));
    await assert.rejects(
      submitRequest(t, callerOf(vmB), { kind: "deactivate", userId: operatorA.id, reason: "staff_exit" }),
      code("NOT_FOUND"),
    );
    await assert.rejects(
      submitRequest(t, callerOf(vmB), { kind: "change_task_types", userId: admin.id, taskTypes: [] }),
      code("NOT_FOUND"),
    );
    await assert.rejects(submitRequest(t, callerOf(operatorA), onboard()), code("FORBIDDEN"));
    await assert.rejects(submitRequest(t, callerOf(auditor), onboard()), code("FORBIDDEN"));

    const mine = await submitRequest(t, callerOf(vmA), onboard({ email: "nora@vendor-a.example" }));
    assert.equal((await listRequests(t, callerOf(vmB))).length, 0);
    assert.equal((await listRequests(t, callerOf(vmB), { partnerId: partnerA })).length, 0);
    await assert.rejects(getRequest(t, callerOf(vmB), mine.id), code("NOT_FOUND"));
    assert.ok((await listRequests(t, callerOf(vmA))).some((r) => r.id === mine.id));
    assert.ok((await listRequests(t, callerOf(auditor))).some((r) => r.id === mine.id));
    await assert.rejects(approveRequest(t, callerOf(vmA), mine.id), code("FORBIDDEN"));
    await assert.rejects(approveRequest(t, callerOf(auditor), mine.id), code("FORBIDDEN"));
    await rejectRequest(t, callerOf(admin), mine.id, "cleanup");
  });

  test("approved onboarding creates an invited account and mails the person an invitation", async () => {
    const request = await submitRequest(
      t,
      callerOf(vmA),
      onboard({ email: "olga.op@vendor-a.example", name: "Olga Op" }),
    );
    await assert.rejects(rejectRequest(t, callerOf(admin), request.id, "  "), code("VALIDATION"));
    const decided = await approveRequest(t, callerOf(admin), request.id, "welcome");
    assert.equal(decided.status, "approved");
    const person = await getPerson(t.database.db, decided.subjectUserId!);
    assert.equal(person.status, "invited");
    assert.equal(person.partnerId, partnerA);
    assert.deepEqual(person.roles, ["operator"]);
    assert.deepEqual(person.taskTypes, ["spot_qc"]);
    const mail = await t.smtp.waitFor("olga.op@vendor-a.example", /Your Loupe account/);
    assert.deepEqual(mail.to, ["olga.op@vendor-a.example"]);
    await assert.rejects(approveRequest(t, callerOf(admin), request.id), code("CONFLICT"));

    const view = await getRequest(t, callerOf(vmA), request.id);
    assert.deepEqual(
      view.history.map((h) => h.action),
      ["access_request.submitted", "access_request.account_invited", "access_request.approved"],
    );
    assert.equal(view.decisionReason, "welcome");
  });

  test("a rejected onboarding creates nothing", async () => {
    const request = await submitRequest(t, callerOf(vmA), onboard({ email: "rex@vendor-a.example" }));
    const decided = await rejectRequest(t, callerOf(admin), request.id, "not a QC role");
    assert.equal(decided.status, "rejected");
    const found = await t.database.db
      .select()
      .from(users)
      .where(eq(users.emailCanonical, "rex@vendor-a.example"));
    assert.equal(found.length, 0);
  });

  test("role change: approval applies it and drops task types the new roles no longer allow", async () => {
    const request = await submitRequest(t, callerOf(vmA), {
      kind: "change_roles",
      userId: verifierA.id,
      roles: ["operator", "download_manager"],
    });
    await assert.rejects(
      submitRequest(t, callerOf(vmA), { kind: "change_task_types", userId: verifierA.id, taskTypes: [] }),
      code("CONFLICT"),
      "one open request per person",
    );
    await approveRequest(t, callerOf(admin), request.id);
    const vera = await getPerson(t.database.db, verifierA.id);
    assert.deepEqual(vera.roles, ["download_manager", "operator"]);
    assert.deepEqual(vera.taskTypes, ["full_qc"]);

    const tasks = await submitRequest(t, callerOf(admin), {
      kind: "change_task_types",
      userId: verifierA.id,
      taskTypes: ["full_qc", "audio_qc", "fix_check"],
    });
    await approveRequest(t, callerOf(admin), tasks.id);
    assert.deepEqual((await getPerson(t.database.db, verifierA.id)).taskTypes, [
      "audio_qc",
      "fix_check",
      "full_qc",
    ]);
  });

  test("no role can be granted to a role address, even one the studio let in", async () => {
    const shared = await makePerson(t.database.db, t, {
      name: "Data IO desk",
      email: "dataio@vendor-a.example",
      partnerId: partnerA,
      roles: ["operator"],
    });
    await assert.rejects(
      submitRequest(t, callerOf(admin), {
        kind: "change_roles",
        userId: shared.id,
        roles: ["operator", "download_manager"],
      }),
      code("ROLE_ADDRESS"),
    );
  });

  test("deactivation takes effect when submitted; rejecting it reinstates the person", async () => {
    const person = await makePerson(t.database.db, t, {
      name: "Leo Leaving",
      email: "leo@vendor-a.example",
      partnerId: partnerA,
      roles: ["operator"],
    });
    await createSession(t.database.db, t, person, { stage: "complete", amr: ["pwd", "otp"] });
    const change = await submitRequest(t, callerOf(vmA), {
      kind: "change_task_types",
      userId: person.id,
      taskTypes: ["full_qc"],
    });
    const request = await submitRequest(t, callerOf(vmA), {
      kind: "deactivate",
      userId: person.id,
      reason: "staff_exit",
    });
    assert.equal((await getPerson(t.database.db, person.id)).status, "deactivated");
    const live = (await t.database.db.select().from(sessions).where(eq(sessions.userId, person.id))).filter(
      (s) => !s.revokedAt,
    );
    assert.equal(live.length, 0, "every session ended at submission");
    assert.equal((await getRequest(t, callerOf(vmA), change.id)).status, "superseded");
    await assert.rejects(
      submitRequest(t, callerOf(vmA), { kind: "deactivate", userId: person.id, reason: "staff_exit" }),
      code("CONFLICT"),
    );
    await assert.rejects(
      submitRequest(t, callerOf(vmA), { kind: "deactivate", userId: vmA.id, reason: "staff_exit" }),
      code("BAD_REQUEST"),
    );

    await rejectRequest(t, callerOf(admin), request.id, "he is staying after all");
    assert.equal((await getPerson(t.database.db, person.id)).status, "active");
    const history = (await getRequest(t, callerOf(admin), request.id)).history.map((h) => h.action);
    assert.deepEqual(history, [
      "access_request.submitted",
      "access_request.deactivation_applied",
      "access_request.reinstated",
      "access_request.rejected",
    ]);

    const again = await submitRequest(t, callerOf(vmA), {
      kind: "deactivate",
      userId: person.id,
      reason: "department_move",
    });
    const confirmed = await approveRequest(t, callerOf(admin), again.id, "confirmed");
    assert.equal(confirmed.status, "approved");
    assert.equal((await getPerson(t.database.db, person.id)).status, "deactivated");
  });
});
