/** The multi-factor part of identity: what the rest of the server may use. */
export { countFactors, type FactorCounts, type FactorSummary, listFactors } from "./factor-list.ts";
