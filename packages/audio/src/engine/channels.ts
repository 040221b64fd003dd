import type { ChannelLabel } from "../types.ts";

/**
 * Channel weights of ITU-R BS.1770-5.
 *
 * Annex 1 Table 3: L, R, C = 1.0; Ls, Rs = 1.41 (+1.5 dB); LFE is not included (weight 0).
 * Annex 3 Table 4 (BS.2051 layouts): 1.41 for a loudspeaker with elevation below 30 degrees and
 * 60 <= |azimuth| <= 120 degrees (M+-060, M+-090, M+-110), otherwise 1.0. So the 7.1 side pair
 * Lss/Rss (M+-090) gets 1.41 while the 7.1 rear pair Lrs/Rrs (M+-135) and every upper-layer channel
 * get 1.0. ffmpeg's ebur128 filter gives 1.41 to every back and side channel, which over-weights
 * 7.1 rears compared with Annex 3; we follow the Recommendation.
 * 1.41 is the value printed in the Recommendation (10^(1.5/10) = 1.4125 would differ by 0.01 dB).
 */
const SURROUND_WEIGHT = 1.41;

const WEIGHTS: Record<string, number> = {
  L: 1.0,
  R: 1.0,
  C: 1.0,
  M: 1.0,
  LFE: 0,
  LFE2: 0,
  // M+-110 in 5.1 (BS.2051 system B), M+-090 side in 7.1: 1.41
  Ls: SURROUND_WEIGHT,
  Rs: SURROUND_WEIGHT,
  Lss: SURROUND_WEIGHT,
  Rss: SURROUND_WEIGHT,
  // M+-135 rear in 7.1: outside 60..120 degrees, so 1.0 per Annex 3
  Lrs: 1.0,
  Rrs: 1.0,
  // M+180 back centre and M+-030..M+-060 wides: 1.0 (Lw/Rw sit at +-60 in BS.2051 and get 1.41)
  Cs: 1.0,
  Lw: SURROUND_WEIGHT,
  Rw: SURROUND_WEIGHT,
  // upper layer: 1.0
  Ltf: 1.0,
  Rtf: 1.0,
  Ctf: 1.0,
  Ltr: 1.0,
  Rtr: 1.0,
  Ctr: 1.0,
  Tc: 1.0,
};

/** BS.1770 weight of a channel; unknown labels count as front channels (1.0). */
export function channelWeight(label: ChannelLabel): number {
  const w = WEIGHTS[label];
  return w === undefined ? 1.0 : w;
}

/** True for low-frequency-effects channels, which loudness ignores (true peak still includes them). */
export function isLfe(label: ChannelLabel): boolean {
  return label === "LFE" || label === "LFE2";
}

/**
 * The order assumed when a file carries no channel mask (SMPTE/ITU order, as WAVE_FORMAT_PCM
 * files and ffmpeg/sox write them):
 *   1: M   2: L R   3: L R C   4: L R Ls Rs   5: L R C Ls Rs (EBU seq-3341-6 order)
 *   6: L R C LFE Ls Rs   8: L R C LFE Lss Rss Lrs Rrs (SMPTE ST 2067-8 order, the one delivery
 *   specs such as Netflix's ask for: sides M+-090 before rears M+-135). A WAVE_FORMAT_EXTENSIBLE
 *   file names its own order through the mask (io/ maps SL/SR to Lss/Rss and BL/BR to Lrs/Rrs).
 * Other counts get generic labels "Ch1".."ChN" weighted 1.0.
 */
export function standardLayout(channels: number): ChannelLabel[] {
  switch (channels) {
    case 1:
      return ["M"];
    case 2:
      return ["L", "R"];
    case 3:
      return ["L", "R", "C"];
    case 4:
      return ["L", "R", "Ls", "Rs"];
    case 5:
      return ["L", "R", "C", "Ls", "Rs"];
    case 6:
      return ["L", "R", "C", "LFE", "Ls", "Rs"];
    case 8:
      return ["L", "R", "C", "LFE", "Lss", "Rss", "Lrs", "Rrs"];
    default:
      return Array.from({ length: channels }, (_, i) => `Ch${i + 1}`);
  }
}

/** Weights for a whole layout, in channel order. */
export function layoutWeights(layout: readonly ChannelLabel[]): number[] {
  return layout.map(channelWeight);
}
