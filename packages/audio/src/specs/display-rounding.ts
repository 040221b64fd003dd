/**
 * Verdicts compare values rounded to 0.1 as meters display them: half away from zero on the
 * decimal value, so -23.95 shows (and passes) as -24.0 and -0.95 dBTP as -1.0, while -0.94 shows
 * as -0.9. Binary floating point stores -23.95 as -23.9499999..., so a tiny epsilon makes a value
 * typed or computed as an exact half behave as its decimal.
 */
export function roundToTenth(value: number): number {
  const scaled = Math.abs(value) * 10;
  const rounded = Math.floor(scaled + 0.5 + 1e-9) / 10;
  return value < 0 ? -rounded : rounded;
}

/** "-24.0" style, always one decimal */
export function formatTenth(value: number): string {
  return roundToTenth(value).toFixed(1);
}
