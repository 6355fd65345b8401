/** Median of a list of numbers (null when empty). */
export const median = (values: readonly number[]): number | null => percentile(values, 0.5);

/** Nearest-rank percentile (p in 0..1) — what a clinic manager computes by hand. */
export const percentile = (values: readonly number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? null;
};

/**
 * SPEC: position ÷ active rooms × recent median service time. Unknown (null) until the
 * department has completed a visit to learn from, or while no room is open.
 */
export const estimateWaitMinutes = (
  position: number,
  activeRooms: number,
  medianServiceMinutes: number | null,
): number | null => {
  if (medianServiceMinutes === null || activeRooms <= 0) return null;
  return Math.round((position / activeRooms) * medianServiceMinutes);
};
