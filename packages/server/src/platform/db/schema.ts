/** Every table, gathered for drizzle (typed queries) and drizzle-kit (migrations). */

export * from "../../modules/directory/schema.ts";
export * from "../../modules/governance/schema.ts";
export * from "../../modules/identity/factors/schema.ts";
export * from "../../modules/identity/schema.ts";
export * from "../audit/schema.ts";
export * from "./instance-settings.ts";
