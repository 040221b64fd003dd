import { timestamp, uuid } from "drizzle-orm/pg-core";

/** Primary keys are UUIDs made by the application (crypto.randomUUID), never by SQL defaults. */
export const id = () => uuid("id").primaryKey();
/** Timestamps come from the injected Clock, so no column has a now() default. */
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
