#!/usr/bin/env node
// The `loupe` command. The CLI is TypeScript run natively by Node (type stripping, Node >= 22.18);
// `npx loupe` from the repository puts node_modules/.bin first on PATH, where `node` is Node 24.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `loupe needs Node.js 22.18 or later (it runs TypeScript directly); this is Node ${process.version}.\n` +
      "Run it from the repository as `npx loupe ...` after `npm ci`, which uses the Node 24 in node_modules.\n",
  );
  process.exit(1);
}
// Node caches the type-stripped, compiled modules on disk: about 0.1 s less start-up on every run after
// the first. The cache lives in this package's node_modules/.cache (owned by whoever installed it, not a
// shared temp directory another user could seed); set through the environment so the analyzer's worker
// threads inherit it. Where it cannot be written, Node says so in the status and loupe runs uncached.
const { enableCompileCache } = await import("node:module");
if (enableCompileCache) {
  process.env.NODE_COMPILE_CACHE ||= new URL("../node_modules/.cache/compile", import.meta.url).pathname;
  enableCompileCache(process.env.NODE_COMPILE_CACHE);
}
await import("../src/cli/loupe.ts");
