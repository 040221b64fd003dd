import { containerFrameRate, type FrameRate, framesToSamples, timecodeToFrames } from "../timecode.ts";

/** The parts of ffprobe's JSON that carry a start timecode. */
export interface TimecodeProbe {
  streams?: { codec_type?: string; r_frame_rate?: string; tags?: { timecode?: string } }[];
  format?: { tags?: { timecode?: string } };
}

export type ContainerTimecode =
  | { kind: "none" }
  | { kind: "found"; timecode: string; rate: FrameRate; timeReferenceSamples: number }
  | { kind: "unusable"; warning: string };

/**
 * The programme's start timecode from a MOV/MP4 (video or tmcd stream tag) or MXF (format tag), as
 * ffprobe reports it, turned into a time reference in samples since midnight like a BWF bext chunk's.
 * Its rate is the video stream's frame rate, drop frame when the label says so (";" before the frames).
 */
export function containerTimecode(probe: TimecodeProbe, sampleRate: number): ContainerTimecode {
  const streams = probe.streams ?? [];
  const tagged =
    streams.find((s) => s.codec_type === "video" && s.tags?.timecode) ??
    streams.find((s) => s.tags?.timecode);
  const text = probe.format?.tags?.timecode ?? tagged?.tags?.timecode;
  if (!text) return { kind: "none" };
  const dropFrame = /[;.,]\d+$/.test(text.trim());
  const fps = [streams.find((s) => s.codec_type === "video")?.r_frame_rate, tagged?.r_frame_rate].find(
    (r) => r && containerFrameRate(r, dropFrame),
  );
  const rate = fps ? containerFrameRate(fps, dropFrame) : undefined;
  if (!rate) {
    return {
      kind: "unusable",
      warning: `the container's timecode ${text} has no frame rate loupe counts in; overs are timed from 00:00:00:00`,
    };
  }
  const frames = timecodeToFrames(text, rate);
  if (frames === undefined) {
    return {
      kind: "unusable",
      warning: `the container's timecode ${text} is not a valid ${rate.name} label; overs are timed from 00:00:00:00`,
    };
  }
  return {
    kind: "found",
    timecode: text.trim(),
    rate,
    timeReferenceSamples: framesToSamples(frames, sampleRate, rate),
  };
}
