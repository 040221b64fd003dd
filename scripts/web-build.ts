/**
 * Builds the web UI (packages/web -> packages/web/dist) when the bundle is missing or older than
 * any of its sources. Used by `npm start` and by the browser tests, so a fresh clone needs only
 * `npm ci && npm start`. The build is local (Vite, no network).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const web = path.join(root, "packages/web");
const builtIndex = path.join(web, "dist/index.html");

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

export function webBuildIsStale(): boolean {
  if (!fs.existsSync(builtIndex)) return true;
  const built = fs.statSync(builtIndex).mtimeMs;
  const sources = ["src", "public", "index.html", "vite.config.ts", "package.json"].map((f) =>
    path.join(web, f),
  );
  return sources.some((s) => newestMtime(s) > built);
}

/** builds if needed; returns whether it built. Throws when the build fails. */
export function ensureWebBuild(opts: { quiet?: boolean } = {}): boolean {
  if (!webBuildIsStale()) return false;
  if (!opts.quiet) console.log("Building the web UI (packages/web)…");
  const vite = viteBin();
  const result = spawnSync(
    process.execPath,
    [vite, "build", web, "--logLevel", opts.quiet ? "error" : "warn"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  if (result.status !== 0) throw new Error(`the web UI build failed (vite exited ${result.status})`);
  return true;
}

/** vite's CLI, wherever npm hoisted it */
function viteBin(): string {
  for (const dir of [path.join(web, "node_modules"), path.join(root, "node_modules")]) {
    const bin = path.join(dir, "vite/bin/vite.js");
    if (fs.existsSync(bin)) return bin;
  }
  throw new Error("vite is not installed: run npm ci");
}

if (import.meta.main) ensureWebBuild();
