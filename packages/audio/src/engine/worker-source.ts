import { readFileSync } from "node:fs";
import * as nodeModule from "node:module";

/**
 * The analyzer worker's module graph as type-stripped JavaScript in data: URLs.
 *
 * Node strips TypeScript with a WebAssembly build of swc that every worker isolate would have to
 * instantiate again: measured ~0.15 s of CPU per worker plus the per-file work, i.e. about as much
 * as a worker's whole share of a 10-minute 5.1 measurement. The main thread already has the
 * stripper loaded, so it strips the worker's few files once and hands over plain JavaScript.
 * Falls back to the .ts file when the API is missing or a module imports outside this directory.
 */
let cached: URL | null = null;

export function analyzerWorkerUrl(): URL {
  if (cached) return cached;
  const fallback = new URL("./analyzer-worker.ts", import.meta.url);
  // With Node's compile cache on through the environment (the CLI does that), the worker inherits it
  // and finds its modules already stripped and compiled: faster than loading the stripper here.
  if (process.env.NODE_COMPILE_CACHE && nodeModule.getCompileCacheDir?.()) {
    cached = fallback;
    return cached;
  }
  const strip = (nodeModule as { stripTypeScriptTypes?: (code: string) => string }).stripTypeScriptTypes;
  if (typeof strip !== "function") return fallback;
  const built = new Map<string, string>();
  const build = (file: string): string | null => {
    const hit = built.get(file);
    if (hit) return hit;
    let js = strip(readFileSync(new URL(`./${file}`, import.meta.url), "utf8"));
    let ok = true;
    js = js.replace(/from\s*"\.\/([\w-]+\.ts)"/g, (_, dep: string) => {
      const url = build(dep);
      if (url === null) ok = false;
      return `from ${JSON.stringify(url ?? "")}`;
    });
    // any other relative import would not resolve from a data: URL
    if (!ok || /from\s*"\.\.?\//.test(js)) return null;
    const url = `data:text/javascript;base64,${Buffer.from(js).toString("base64")}`;
    built.set(file, url);
    return url;
  };
  // the API is marked experimental; its one-time warning would land on the CLI's stderr
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    if (text.includes("stripTypeScriptTypes")) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    const url = build("analyzer-worker.ts");
    cached = url === null ? fallback : new URL(url);
  } catch {
    cached = fallback;
  } finally {
    process.emitWarning = emitWarning;
  }
  return cached;
}
