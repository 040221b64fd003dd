import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  containerFrameRate,
  FRAME_RATE_NAMES,
  framesToSamples,
  framesToTimecode,
  parseFrameRate,
  samplesToTimecode,
  secondsToTimecode,
  timecodeToFrames,
} from "./timecode.ts";

const rate = (name: string) => {
  const r = parseFrameRate(name);
  assert.ok(r, name);
  return r;
};

describe("timecode", () => {
  test("parses every supported rate and refuses others", () => {
    for (const name of ["23.976", "24", "25", "29.97", "29.97df", "30", "50", "59.94", "59.94df", "60"]) {
      assert.equal(rate(name).name, name);
    }
    assert.equal(parseFrameRate("29.97DF")?.dropFrame, true);
    assert.equal(parseFrameRate("48"), undefined);
    assert.equal(parseFrameRate("df"), undefined);
  });

  test("29.97 drop frame skips ;00 and ;01 each minute except every tenth", () => {
    const df = rate("29.97df");
    assert.equal(framesToTimecode(0, df), "00:00:00;00");
    assert.equal(framesToTimecode(1799, df), "00:00:59;29");
    assert.equal(framesToTimecode(1800, df), "00:01:00;02");
    assert.equal(framesToTimecode(3597, df), "00:01:59;29");
    assert.equal(framesToTimecode(3598, df), "00:02:00;02");
    assert.equal(framesToTimecode(17981, df), "00:09:59;29");
    assert.equal(framesToTimecode(17982, df), "00:10:00;00");
    assert.equal(framesToTimecode(17982 + 1800, df), "00:11:00;02");
    assert.equal(framesToTimecode(107892, df), "01:00:00;00"); // one hour of real time = 107892 frames
    assert.equal(framesToTimecode(2589408, df), "00:00:00;00"); // wraps after 24 h
  });

  test("59.94 drop frame skips four numbers", () => {
    const df = rate("59.94df");
    assert.equal(framesToTimecode(3599, df), "00:00:59;59");
    assert.equal(framesToTimecode(3600, df), "00:01:00;04");
    assert.equal(framesToTimecode(35964, df), "00:10:00;00");
  });

  test("non-drop rates count nominal frames with colons", () => {
    assert.equal(framesToTimecode(1800, rate("29.97")), "00:01:00:00");
    assert.equal(framesToTimecode(25 * 3661 + 24, rate("25")), "01:01:01:24");
    assert.equal(framesToTimecode(24 * 60, rate("23.976")), "00:01:00:00");
    assert.equal(framesToTimecode(50 * 86400, rate("50")), "00:00:00:00");
  });

  test("sample positions become frames exactly at the real rate", () => {
    // 23.976: one frame lasts 2002 samples at 48 kHz
    const r = rate("23.976");
    assert.equal(samplesToTimecode(2001, 48000, r), "00:00:00:00");
    assert.equal(samplesToTimecode(2002, 48000, r), "00:00:00:01");
    // 29.97: one minute of labels (1800 frames) is 1800 * 1601.6 samples = 2882880
    assert.equal(samplesToTimecode(2882880, 48000, rate("29.97df")), "00:01:00;02");
    assert.equal(samplesToTimecode(2882879, 48000, rate("29.97df")), "00:00:59;29");
    assert.equal(secondsToTimecode(1.999999, 48000, rate("25")), "00:00:02:00"); // snapped to the sample
    assert.equal(secondsToTimecode(1.99, 48000, rate("25")), "00:00:01:24");
  });

  test("starts at the BWF time reference", () => {
    // 10:00:00:00 at 25 fps = 36000 s after midnight
    const ref = 36000 * 48000;
    assert.equal(samplesToTimecode(0, 48000, rate("25"), ref), "10:00:00:00");
    assert.equal(secondsToTimecode(61.5, 48000, rate("25"), ref), "10:01:01:12");
    // 24 h at 192 kHz: needs more than 2^53 in the intermediate product
    assert.equal(samplesToTimecode(86399 * 192000, 192000, rate("59.94df"), 0).slice(0, 5), "23:59");
  });

  test("labels read back to their frame at every rate, across drop-frame minute boundaries", () => {
    for (const name of FRAME_RATE_NAMES) {
      const r = rate(name);
      const perMinute = r.nominal * 60;
      const frames = [0, 1, perMinute - 3, perMinute - 1, perMinute, perMinute + 5, 17981, 17982, 17983];
      for (let f = 0; f < 40; f++) frames.push(Math.floor((f * 86400 * r.nominal) / 41) + f);
      for (const f of frames) {
        const label = framesToTimecode(f, r);
        assert.equal(timecodeToFrames(label, r), f, `${name} ${label}`);
      }
    }
  });

  test("invalid labels are refused: dropped numbers, frames past the rate, garbage", () => {
    assert.equal(timecodeToFrames("00:01:00;00", rate("29.97df")), undefined);
    assert.equal(timecodeToFrames("00:01:00;01", rate("29.97df")), undefined);
    assert.equal(timecodeToFrames("00:10:00;00", rate("29.97df")), 17982);
    assert.equal(timecodeToFrames("00:01:00;03", rate("59.94df")), undefined);
    assert.equal(timecodeToFrames("00:00:00:25", rate("25")), undefined);
    assert.equal(timecodeToFrames("24:00:00:00", rate("25")), undefined);
    assert.equal(timecodeToFrames("1:00:00:00", rate("25")), undefined);
    assert.equal(timecodeToFrames("01:00:00", rate("25")), undefined);
  });

  test("container rates match by ratio and drop-frame flag", () => {
    assert.equal(containerFrameRate("30000/1001", true)?.name, "29.97df");
    assert.equal(containerFrameRate("30000/1001", false)?.name, "29.97");
    assert.equal(containerFrameRate("60000/1001", true)?.name, "59.94df");
    assert.equal(containerFrameRate("25/1", false)?.name, "25");
    assert.equal(containerFrameRate("50", false)?.name, "50");
    assert.equal(containerFrameRate("25/1", true), undefined);
    assert.equal(containerFrameRate("0/0", false), undefined);
    assert.equal(containerFrameRate("15/1", false), undefined);
  });

  test("a timecode becomes the first sample of its frame", () => {
    const r = rate("29.97df");
    const frames = timecodeToFrames("01:00:00;02", r)!;
    const samples = framesToSamples(frames, 48000, r);
    assert.equal(samplesToTimecode(0, 48000, r, samples), "01:00:00;02");
    assert.equal(samplesToTimecode(0, 48000, r, samples - 1), "01:00:00;01");
    assert.equal(
      samplesToTimecode(0, 44100, rate("25"), framesToSamples(90000, 44100, rate("25"))),
      "01:00:00:00",
    );
  });
});
