import type { ChannelLabel } from "../types.ts";

/**
 * Which channels carry dialogue, and how they are mixed to the VAD's mono input.
 * - any layout with a centre channel (5.1, 7.1, 3.0, ...): C alone, where mixes put dialogue;
 * - no centre but L and R (stereo, quad): (L + R) / 2, a phantom centre;
 * - mono: M;
 * - anything else: the mean of every non-LFE channel.
 */
export interface DialogueDownmix {
  /** channel indices in the file */
  indices: number[];
  /** gain of each selected channel in the mono downmix */
  gains: number[];
  /** how the choice was made, for reports */
  description: string;
}

export function dialogueDownmix(layout: ChannelLabel[]): DialogueDownmix {
  const centre = layout.indexOf("C");
  if (centre >= 0) return { indices: [centre], gains: [1], description: "C" };
  const left = layout.indexOf("L");
  const right = layout.indexOf("R");
  if (left >= 0 && right >= 0) return { indices: [left, right], gains: [0.5, 0.5], description: "(L+R)/2" };
  const mono = layout.indexOf("M");
  if (mono >= 0) return { indices: [mono], gains: [1], description: "M" };
  const indices = layout.map((_, i) => i).filter((i) => !layout[i].startsWith("LFE"));
  if (indices.length === 0) throw new RangeError("no channel that could carry dialogue");
  return {
    indices,
    gains: indices.map(() => 1 / indices.length),
    description: `mean of ${indices.map((i) => layout[i]).join(", ")}`,
  };
}
