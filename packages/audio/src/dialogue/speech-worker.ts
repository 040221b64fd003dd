/**
 * Worker thread running the speech pipeline beside the meter's workers.
 * Messages in:  { type: "chunk", data: Uint8Array } | { type: "finish" }
 * Messages out: { type: "ack", bytes } after each chunk | { type: "done", result, stats } | { type: "error", message }
 */
import { parentPort, workerData } from "node:worker_threads";
import type { PcmFormat } from "../types.ts";
import { type SpeechDetectorOptions, SpeechPipeline } from "./speech-pipeline.ts";

type Inbound = { type: "chunk"; data: Uint8Array } | { type: "finish" };

const port = parentPort;
if (!port) throw new Error("speech-worker.ts must run as a worker thread");
const { format, options } = workerData as { format: PcmFormat; options: SpeechDetectorOptions };
const pipeline = SpeechPipeline.create(format, options);
// messages arrive while the model runs; a promise chain keeps them in order
let queue: Promise<void> = Promise.resolve();
let failed = false;

port.on("message", (message: Inbound) => {
  queue = queue.then(async () => {
    if (failed) return;
    try {
      const speech = await pipeline;
      if (message.type === "chunk") {
        await speech.push(message.data);
        port.postMessage({ type: "ack", bytes: message.data.byteLength });
      } else {
        const { result, stats } = await speech.finish();
        port.postMessage({ type: "done", result, stats }, [result.stepFlags.buffer as ArrayBuffer]);
      }
    } catch (error) {
      failed = true;
      port.postMessage({
        type: "error",
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  });
});
