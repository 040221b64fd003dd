import type { ChunkEnergies } from "./channel-group.ts";

/**
 * Sums the groups' per-channel sub-step energies into the channel-weighted energy per sub-step.
 * Channels are always added in file order (0 + w0 e0 + w1 e1 + ...), so one group inline and two
 * groups on workers give bit-identical sums.
 */
export class EnergyCombiner {
  private readonly weights: number[];
  /** for each file channel: [group index, index inside the group] */
  private readonly where: [number, number][];
  private sub = new Float64Array(1024);
  count = 0;

  constructor(weights: number[], subsets: number[][]) {
    this.weights = weights;
    this.where = [];
    subsets.forEach((subset, g) => {
      subset.forEach((ch, i) => {
        this.where[ch] = [g, i];
      });
    });
  }

  /** One chunk's results, one entry per group (all groups saw the same frames). */
  add(parts: ChunkEnergies[]): void {
    const count = parts[0].count;
    if (this.sub.length < this.count + count) {
      const grown = new Float64Array(Math.max(2 * this.sub.length, this.count + count));
      grown.set(this.sub.subarray(0, this.count));
      this.sub = grown;
    }
    const { weights, where } = this;
    for (let j = 0; j < count; j++) {
      let e = 0;
      for (let ch = 0; ch < weights.length; ch++) {
        const w = weights[ch];
        if (w === 0) continue;
        const [g, i] = where[ch];
        e += w * parts[g].energies[i * count + j];
      }
      this.sub[this.count + j] = e;
    }
    this.count += count;
  }

  get energies(): Float64Array {
    return this.sub;
  }
}
