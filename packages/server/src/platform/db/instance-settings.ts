import { eq } from "drizzle-orm";
import { pgTable, text } from "drizzle-orm/pg-core";
import type { Queryable } from "./client.ts";

/** Facts fixed when the instance was first started (such as the public URL). */
export const instanceSettings = pgTable("instance_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * PUBLIC_URL is the WebAuthn relying-party id: changing it would orphan every registered security
 * key. It is recorded at first start and every later start must present the same origin.
 */
export async function checkPublicUrl(q: Queryable, publicUrl: URL): Promise<void> {
  const [row] = await q.select().from(instanceSettings).where(eq(instanceSettings.key, "public_url"));
  if (!row) {
    await q.insert(instanceSettings).values({ key: "public_url", value: publicUrl.origin });
    return;
  }
  if (row.value !== publicUrl.origin) {
    throw new Error(
      `PUBLIC_URL is ${publicUrl.origin} but this database was set up for ${row.value}. ` +
        "Changing it would orphan every registered security key (the WebAuthn relying-party id). " +
        `Start with PUBLIC_URL=${row.value}.`,
    );
  }
}
