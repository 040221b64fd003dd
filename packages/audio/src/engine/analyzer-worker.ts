/** Worker thread: measures one channel group of every chunk (see analyzer.ts). */
import { parentPort } from "node:worker_threads";
import { ChannelGroup, type ChannelGroupConfig } from "./channel-group.ts";

export type WorkerRequest =
  | { type: "init"; config: ChannelGroupConfig }
  | {
      type: "chunk";
      seq: number;
      buffer: SharedArrayBuffer | ArrayBuffer;
      length: number;
      /** where the energies go (pooled by the main thread; the reply carries no buffer) */
      out: SharedArrayBuffer;
    }
  | { type: "finish" };

const port = parentPort;
if (!port) throw new Error("analyzer-worker must run in a worker thread");
let group: ChannelGroup | null = null;

port.on("message", (msg: WorkerRequest) => {
  try {
    if (msg.type === "init") {
      group = new ChannelGroup(msg.config);
    } else if (msg.type === "chunk") {
      const out = new Float64Array(msg.out);
      const res = group!.process(new Uint8Array(msg.buffer, 0, msg.length), out);
      if (res.energies.buffer !== msg.out) throw new Error("energies do not fit the output buffer");
      const { frames, firstSub, count } = res;
      port.postMessage({ type: "chunk", seq: msg.seq, result: { frames, firstSub, count } });
    } else {
      port.postMessage({ type: "result", peaks: group!.finish() });
    }
  } catch (err) {
    port.postMessage({
      type: "error",
      message: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  }
});
