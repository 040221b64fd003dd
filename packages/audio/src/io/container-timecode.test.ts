import assert from "node:assert/strict";
import { test } from "node:test";
import { samplesToTimecode } from "../timecode.ts";
import { containerTimecode } from "./container-timecode.ts";

test("MOV: the video stream's timecode tag at its frame rate, drop frame from the label", () => {
  const tc = containerTimecode(
    {
      streams: [
        { codec_type: "video", r_frame_rate: "30000/1001", tags: { timecode: "01:00:00;02" } },
        { codec_type: "audio", r_frame_rate: "0/0" },
        { codec_type: "data", r_frame_rate: "0/0", tags: { timecode: "01:00:00;02" } },
      ],
    },
    48000,
  );
  assert.equal(tc.kind, "found");
  if (tc.kind !== "found") return;
  assert.equal(tc.rate.name, "29.97df");
  assert.equal(samplesToTimecode(0, 48000, tc.rate, tc.timeReferenceSamples), "01:00:00;02");
});

test("MXF: the format's timecode tag", () => {
  const tc = containerTimecode(
    {
      streams: [{ codec_type: "video", r_frame_rate: "25/1" }, { codec_type: "audio" }],
      format: { tags: { timecode: "10:00:00:00" } },
    },
    48000,
  );
  assert.equal(tc.kind, "found");
  if (tc.kind === "found") assert.equal(tc.timeReferenceSamples, 36000 * 48000);
});

test("no timecode, or one loupe cannot count in, leaves the overs timed from zero with a warning", () => {
  assert.deepEqual(containerTimecode({ streams: [{ codec_type: "audio" }] }, 48000), { kind: "none" });
  const noRate = containerTimecode(
    { streams: [{ codec_type: "data", r_frame_rate: "0/0", tags: { timecode: "01:00:00:00" } }] },
    48000,
  );
  assert.equal(noRate.kind, "unusable");
  const badLabel = containerTimecode(
    { streams: [{ codec_type: "video", r_frame_rate: "25/1", tags: { timecode: "01:00:00:27" } }] },
    48000,
  );
  assert.equal(badLabel.kind, "unusable");
  if (badLabel.kind === "unusable") assert.match(badLabel.warning, /not a valid 25 label/);
});
