import type { ChunkEnergies } from "./channel-group.ts";
import { LoudnessAccumulator, type LoudnessSummary } from "./loudness.ts";
import type { StepGrid } from "./step-grid.ts";

/**
 * Sums the groups' per-channel sub-step energies into the channel-weighted energy per sub-step and
 * feeds each one, in order, to a LoudnessAccumulator as the chunk arrives; the per-channel detail is
 * dropped once the chunk is consumed, so memory does not grow with the file's length beyond one sum
 * per 100 ms step. Channels are always added in file order (0 + w0 e0 + w1 e1 + ...), so one group
 * inline and two groups on workers give bit-identical sums.
 */
export class EnergyCombiner {
  private readonly weights: number[];
  /** for each file channel: [group index, index inside the group] */
  private readonly where: [number, number][];
  private readonly loudness: LoudnessAccumulator;
  count = 0;

  constructor(weights: number[], subsets: number[][], grid: StepGrid) {
    this.weights = weights;
    this.where = [];
    this.loudness = new LoudnessAccumulator(grid);
    subsets.forEach((subset, g) => {
      subset.forEach((ch, i) => {
        this.where[ch] = [g, i];
      });
    });
  }

  /** One chunk's results, one entry per group (all groups saw the same frames). */
  add(parts: ChunkEnergies[]): void {
    const count = parts[0].count;
    const { weights, where, loudness } = this;
    for (let j = 0; j < count; j++) {
      let e = 0;
      for (let ch = 0; ch < weights.length; ch++) {
        const w = weights[ch];
        if (w === 0) continue;
        const [g, i] = where[ch];
        e += w * parts[g].energies[i * count + j];
      }
      loudness.add(e);
    }
    this.count += count;
  }

  summary(): LoudnessSummary {
    return this.loudness.summary();
  }
}
