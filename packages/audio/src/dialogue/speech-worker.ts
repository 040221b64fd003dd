/**
 * Worker thread running the speech pipeline beside the meter's workers.
 * Messages in:  { type: "chunk", buffer: SharedArrayBuffer, byteLength } | { type: "finish" }
 * Messages out: { type: "ack", buffer } when the slot may be reused | { type: "done", result, stats }
 *               | { type: "error", message }
 */
import { parentPort, workerData } from "node:worker_threads";
import type { PcmFormat } from "../types.ts";
import { type SpeechDetectorOptions, SpeechPipeline } from "./speech-pipeline.ts";

type Inbound = { type: "chunk"; buffer: SharedArrayBuffer; byteLength: number } | { type: "finish" };

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
        await speech.push(new Uint8Array(message.buffer, 0, message.byteLength));
        port.postMessage({ type: "ack", buffer: message.buffer });
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
