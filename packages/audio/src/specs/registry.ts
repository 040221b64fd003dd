import { DELIVERY } from "./delivery.ts";
import { PARTNER_QC } from "./partner-qc.ts";
import type { SpecFamily } from "./spec-types.ts";

export const SPECS: Record<string, SpecFamily> = {
  [PARTNER_QC.id]: PARTNER_QC,
  [DELIVERY.id]: DELIVERY,
};

export function getSpec(id: string): SpecFamily {
  const spec = SPECS[id];
  if (!spec) throw new RangeError(`unknown spec "${id}" (known: ${Object.keys(SPECS).join(", ")})`);
  return spec;
}
