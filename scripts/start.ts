/**
 * `npm start`: build the web UI if its bundle is missing or stale, then run the Loupe server
 * (packages/server/src/main.ts) in this process. ROLES=worker skips the UI build.
 */
import { ensureWebBuild } from "./web-build.ts";

const roles = (process.env.ROLES ?? "web,worker").split(",").map((r) => r.trim());
if (roles.includes("web")) {
  try {
    ensureWebBuild();
  } catch (err) {
    console.error(`Loupe cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
}
await import("../packages/server/src/main.ts");
