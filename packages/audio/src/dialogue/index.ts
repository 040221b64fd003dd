/**
 * Dialogue-gated loudness: an open approximation of Dolby Dialogue Intelligence.
 * measure.ts creates a speech detector beside the meter, pushes it the same chunks, and gates the
 * engine's 100 ms step energies with the speech flags it returns.
 */
export { type DialogueLoudness, dialogueGatedLoudness } from "./gated-loudness.ts";
export { createSpeechDetector, type SpeechDetectorWithStats } from "./speech-detector.ts";
export type { SpeechDetectorOptions, SpeechStats } from "./speech-pipeline.ts";
export { DEFAULT_SEGMENT_OPTIONS } from "./speech-segments.ts";

/** the label every output carries next to the number */
export const DIALOGUE_GATED_LABEL =
  "dialogue-gated loudness, an open approximation of Dolby Dialogue Intelligence";
