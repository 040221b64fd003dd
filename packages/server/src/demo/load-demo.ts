/**
 * `npm run demo`: loads a small, realistic data set into a FRESH database (the same one `npm start`
 * uses: LOUPE_DATA_DIR or DATABASE_URL), and prints each person's password once. It refuses to
 * touch a database that already has users. Later issues extend the lists below; the loop stays.
 *
 * Everyone still has to enrol MFA at first sign-in (no demo account has a factor), except the
 * people marked `preExisting` at a partner whose enforcement date is still ahead: they are urged.
 */
import crypto from "node:crypto";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import pino from "pino";
import { partners, type Role, users } from "../modules/directory/schema.ts";
import { createAccount, storePassword } from "../modules/identity/accounts.ts";
import { mfaGraceAccounts } from "../modules/identity/schema.ts";
import { systemClock } from "../platform/clock.ts";
import { loadConfig } from "../platform/config.ts";
import { openDatabase } from "../platform/db/client.ts";
import { checkPublicUrl } from "../platform/db/instance-settings.ts";
import { migrate } from "../platform/db/migrate.ts";
import { loadGovernanceDemo } from "./governance-demo.ts";

interface DemoPartner {
  key: string;
  name: string;
  domains: string[];
  /** from this date its people must enrol MFA (null: at once) */
  mfaEnforcementDate: string | null;
  contactName: string;
  contactEmail: string;
}

interface DemoPerson {
  name: string;
  email: string;
  /** a key of DEMO_PARTNERS, or null for studio staff */
  partner: string | null;
  roles: Role[];
  /** an account from before the MFA rollout: only urged until the partner's date */
  preExisting?: boolean;
}

export const DEMO_PARTNERS: DemoPartner[] = [
  {
    key: "northlight",
    name: "Northlight Post",
    domains: ["northlightpost.example"],
    mfaEnforcementDate: null,
    contactName: "Maren Holt",
    contactEmail: "maren.holt@northlightpost.example",
  },
  {
    key: "kestrel",
    name: "Kestrel Media Services",
    domains: ["kestrelmedia.example"],
    mfaEnforcementDate: "2027-06-30",
    contactName: "Diego Alvarez",
    contactEmail: "diego.alvarez@kestrelmedia.example",
  },
  {
    key: "hanover",
    name: "Hanover Sound & Picture",
    domains: ["hanover-sp.example"],
    mfaEnforcementDate: "2027-01-15",
    contactName: "Ruth Achterberg",
    contactEmail: "ruth.achterberg@hanover-sp.example",
  },
];

export const DEMO_PEOPLE: DemoPerson[] = [
  { name: "Alex Morgan", email: "alex.morgan@studio.example", partner: null, roles: ["studio_admin"] },
  {
    name: "Sofia Lindqvist",
    email: "sofia.lindqvist@studio.example",
    partner: null,
    roles: ["security_auditor"],
  },
  {
    name: "Maren Holt",
    email: "maren.holt@northlightpost.example",
    partner: "northlight",
    roles: ["vendor_manager"],
  },
  {
    name: "Jonah Pierce",
    email: "jonah.pierce@northlightpost.example",
    partner: "northlight",
    roles: ["download_manager", "operator"],
  },
  {
    name: "Priya Raman",
    email: "priya.raman@northlightpost.example",
    partner: "northlight",
    roles: ["operator"],
  },
  {
    name: "Tomas Okafor",
    email: "tomas.okafor@northlightpost.example",
    partner: "northlight",
    roles: ["verifier"],
  },
  {
    name: "Diego Alvarez",
    email: "diego.alvarez@kestrelmedia.example",
    partner: "kestrel",
    roles: ["vendor_manager"],
    preExisting: true,
  },
  {
    name: "Kenji Watanabe",
    email: "kenji.watanabe@kestrelmedia.example",
    partner: "kestrel",
    roles: ["operator"],
    preExisting: true,
  },
  {
    name: "Leila Haddad",
    email: "leila.haddad@kestrelmedia.example",
    partner: "kestrel",
    roles: ["verifier"],
  },
  {
    name: "Ruth Achterberg",
    email: "ruth.achterberg@hanover-sp.example",
    partner: "hanover",
    roles: ["vendor_manager", "download_manager"],
    preExisting: true,
  },
  { name: "Sam Oyelaran", email: "sam.oyelaran@hanover-sp.example", partner: "hanover", roles: ["operator"] },
];

const WORDS = (
  "amber anchor aspen basil beacon birch cobalt comet copper coral cedar delta ember fable fern " +
  "garnet harbor hazel indigo iris juniper kelp lantern linen maple meadow mosaic nectar nimbus " +
  "oak onyx orchid pebble quartz quill raven ridge saffron sage slate sparrow tundra umber velvet " +
  "willow yarrow zephyr"
).split(" ");

/** four random words and two digits: long, memorable, never on a common-password list */
function demoPassword(): string {
  const pick = () => WORDS[crypto.randomInt(WORDS.length)];
  return `${pick()}-${pick()}-${pick()}-${pick()}-${crypto.randomInt(10, 100)}`;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(
    config.databaseUrl
      ? { databaseUrl: config.databaseUrl }
      : { pgliteDir: path.join(config.dataDir, "pglite") },
  );
  try {
    await migrate(database);
    await checkPublicUrl(database.db, config.publicUrl);
    const [{ n }] = await database.db.select({ n: count() }).from(users);
    if (n > 0) {
      console.error(`This database already has ${n} users: the demo loads only into a fresh one.`);
      process.exitCode = 1;
      return;
    }
    const ctx = { clock: systemClock, log: pino({ level: "silent" }) };
    const actor = { email: "demo-loader@localhost" };
    const printed: string[] = [];
    const governance: string[] = [];
    await database.db.transaction(async (tx) => {
      const partnerIds = new Map<string, string>();
      for (const p of DEMO_PARTNERS) {
        const id = crypto.randomUUID();
        partnerIds.set(p.key, id);
        await tx.insert(partners).values({
          id,
          name: p.name,
          allowedDomains: p.domains,
          mfaEnforcementDate: p.mfaEnforcementDate,
          contactName: p.contactName,
          contactEmail: p.contactEmail,
          createdAt: ctx.clock.now(),
        });
      }
      for (const person of DEMO_PEOPLE) {
        const user = await createAccount(tx, ctx, actor, {
          name: person.name,
          email: person.email,
          partnerId: person.partner ? partnerIds.get(person.partner)! : null,
          roles: person.roles,
          status: "active",
        });
        const password = demoPassword();
        await storePassword(tx, ctx, user.id, password);
        await tx.update(users).set({ emailVerifiedAt: ctx.clock.now() }).where(eq(users.id, user.id));
        if (person.preExisting) {
          await tx.insert(mfaGraceAccounts).values({
            userId: user.id,
            grantedAt: ctx.clock.now(),
            reason: "demo: account from before the rollout",
          });
        }
        printed.push(`  ${person.email.padEnd(40)} ${password.padEnd(36)} ${person.roles.join(", ")}`);
      }
      governance.push(...(await loadGovernanceDemo(tx, ctx.clock)));
    });
    console.log(
      `Demo data loaded into ${database.kind === "pglite" ? config.dataDir : "the PostgreSQL database"}.`,
    );
    console.log(
      "Each person's password, shown once. Everyone enrols MFA at first sign-in, except accounts marked as\n" +
        "pre-existing at a partner whose MFA date is still ahead (Kestrel, Hanover): they are urged.\n",
    );
    console.log(printed.join("\n"));
    console.log(`\n${governance.join("\n")}`);
    console.log(`\nStart Loupe with \`npm start\` and sign in at ${config.publicUrl.origin}.`);
  } finally {
    await database.close();
  }
}

await main();
