import type { FastifyInstance } from "fastify";

/**
 * Security headers on every response. The CSP allows no inline script; styles may be inline
 * because the UI library sets style attributes (no script can be injected through a style).
 */
export function registerSecurityHeaders(app: FastifyInstance, opts: { https: boolean }): void {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  app.addHook("onSend", async (_req, reply, payload) => {
    reply.header("Content-Security-Policy", csp);
    reply.header("X-Content-Type-Options", "nosniff");
    reply.header("X-Frame-Options", "DENY");
    reply.header("Referrer-Policy", "no-referrer");
    reply.header("Cross-Origin-Opener-Policy", "same-origin");
    reply.header("Cross-Origin-Resource-Policy", "same-origin");
    reply.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (opts.https) reply.header("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    if (_req.url.startsWith("/api/")) reply.header("Cache-Control", "no-store");
    return payload;
  });
}
