/**
 * Channel roles: from a WAVE_FORMAT_EXTENSIBLE channel mask, from the standard order for the common
 * channel counts, or from the user's --layout. The labels are those of types.ts; the engine turns
 * them into BS.1770 weights.
 */
import { standardLayout as engineStandardLayout } from "../engine/channels.ts";
import type { ChannelLabel, PcmFormat } from "../types.ts";

/** dwChannelMask bits in the order WAVE stores the channels (Microsoft KSAUDIO_SPEAKER_*). */
const MASK_SPEAKERS = [
  "FL",
  "FR",
  "FC",
  "LFE",
  "BL",
  "BR",
  "FLC",
  "FRC",
  "BC",
  "SL",
  "SR",
  "TC",
  "TFL",
  "TFC",
  "TFR",
  "TBL",
  "TBC",
  "TBR",
] as const;
type Speaker = (typeof MASK_SPEAKERS)[number];

const FIXED_LABELS: Partial<Record<Speaker, ChannelLabel>> = {
  FL: "L",
  FR: "R",
  FC: "C",
  LFE: "LFE",
  FLC: "Lc",
  FRC: "Rc",
  BC: "Cs",
  TC: "Tc",
  TFL: "Ltf",
  TFC: "Ctf",
  TFR: "Rtf",
  TBL: "Ltr",
  TBC: "Ctr",
  TBR: "Rtr",
};

export interface LayoutDecision {
  labels: ChannelLabel[];
  source: PcmFormat["layoutSource"];
  warnings: string[];
}

/**
 * Surround pairs depend on what else is present: with only back (BL/BR, 5.1 as sox and most DAWs write
 * it, 0x3F) or only side (SL/SR, 0x60F) speakers, that pair is the surround pair Ls/Rs. With both
 * (7.1, 0x63F) the back pair is the rear surround Lrs/Rrs and the side pair Lss/Rss.
 */
export function labelsFromSpeakers(speakers: readonly string[]): ChannelLabel[] {
  const has = (s: string) => speakers.includes(s);
  const both = (has("BL") || has("BR")) && (has("SL") || has("SR"));
  return speakers.map((s) => {
    if (s === "BL") return both ? "Lrs" : "Ls";
    if (s === "BR") return both ? "Rrs" : "Rs";
    if (s === "SL") return both ? "Lss" : "Ls";
    if (s === "SR") return both ? "Rss" : "Rs";
    return FIXED_LABELS[s as Speaker] ?? s;
  });
}

export function speakersFromMask(mask: number): Speaker[] {
  const speakers: Speaker[] = [];
  for (let bit = 0; bit < MASK_SPEAKERS.length; bit++) {
    if (mask & (1 << bit)) speakers.push(MASK_SPEAKERS[bit]);
  }
  return speakers;
}

/** Channels beyond the ones a layout names are labelled Ch<n> (1-based), which the engine weights 1.0. */
function numbered(from: number, to: number): ChannelLabel[] {
  const out: ChannelLabel[] = [];
  for (let i = from; i < to; i++) out.push(`Ch${i + 1}`);
  return out;
}

/**
 * The counts the issue gives a standard order (1, 2, 6, 8), in the engine's order: M; L R;
 * L R C LFE Ls Rs; L R C LFE Lss Rss Lrs Rrs (SMPTE ST 2067-8, sides before rears). 3, 4 and 5 channels
 * are ambiguous enough (LCR? quad? 5.0 with or without C?) that they need --layout.
 */
export function standardLayout(channels: number): ChannelLabel[] | undefined {
  return [1, 2, 6, 8].includes(channels) ? engineStandardLayout(channels) : undefined;
}

/** Standard order for 1, 2, 6 and 8 channels; Ch1..ChN and a warning otherwise. */
export function layoutForCount(channels: number): LayoutDecision {
  const standard = standardLayout(channels);
  if (standard) return { labels: standard, source: "standard-order", warnings: [] };
  const hint = channels === 5 ? " (5.0 is often L,R,C,Ls,Rs)" : "";
  return {
    labels: numbered(0, channels),
    source: "standard-order",
    warnings: [
      `${channels} channels and no channel mask: roles unknown, labelled Ch1..Ch${channels} and weighted 1.0; give --layout L,R,C,... to set them${hint}`,
    ],
  };
}

export function layoutFromMask(mask: number, channels: number): LayoutDecision {
  if (mask === 0) return layoutForCount(channels);
  const speakers = speakersFromMask(mask).slice(0, channels);
  const labels = labelsFromSpeakers(speakers);
  const warnings: string[] = [];
  if (labels.length < channels) {
    labels.push(...numbered(labels.length, channels));
    warnings.push(
      `channel mask 0x${mask.toString(16)} names fewer speakers than the ${channels} channels; the rest are labelled Ch<n>`,
    );
  }
  return { labels, source: "channel-mask", warnings };
}

const KNOWN_LABELS: ChannelLabel[] = [
  "L",
  "R",
  "C",
  "LFE",
  "Ls",
  "Rs",
  "Lrs",
  "Rrs",
  "Lss",
  "Rss",
  "Cs",
  "Lc",
  "Rc",
  "Lw",
  "Rw",
  "Ltf",
  "Rtf",
  "Ctf",
  "Ltr",
  "Rtr",
  "Ctr",
  "Tc",
  "LFE2",
  "M",
];

/**
 * Parses a --layout value ("L,R,C,LFE,Ls,Rs"). Labels are matched case-insensitively against the known
 * set; Ch<n> is accepted for a channel with no role. Returns an error text instead of throwing so the
 * caller can attach the file name.
 */
export function parseLayout(text: string): { labels: ChannelLabel[] } | { error: string } {
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) return { error: "--layout is empty" };
  const labels: ChannelLabel[] = [];
  for (const part of parts) {
    const known = KNOWN_LABELS.find((k) => k.toLowerCase() === part.toLowerCase());
    if (known) labels.push(known);
    else if (/^ch\d+$/i.test(part)) labels.push(`Ch${part.slice(2)}`);
    else
      return {
        error: `unknown channel label "${part}" in --layout (known: ${KNOWN_LABELS.join(", ")}, Ch<n>)`,
      };
  }
  return { labels };
}
