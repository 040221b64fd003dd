import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { registerAuth } from "../../modules/identity/guards.ts";
import type { AppContext } from "../context.ts";
import { registerErrorHandler } from "./error-handler.ts";
import { moduleRoutes } from "./modules.ts";
import { registerSecurityHeaders } from "./security-headers.ts";

export type App = FastifyInstance;

const webDist = fileURLToPath(new URL("../../../../web/dist", import.meta.url));

/**
 * The HTTP application: plugins in a fixed order (headers, errors, cookies, OpenAPI), then every
 * module's routes under /api, then the web UI. Handlers stay thin; modules hold the logic.
 */
export async function buildApp(ctx: AppContext, opts: { logger?: boolean } = {}): Promise<App> {
  const app = Fastify({
    logger: opts.logger === false ? false : { level: ctx.config.logLevel },
    trustProxy: false,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  registerSecurityHeaders(app, { https: ctx.config.publicUrl.protocol === "https:" });
  registerErrorHandler(app);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: "Loupe API", version: "0.1.0", description: "The studio's QC partner programme." },
      components: {
        securitySchemes: { session: { type: "apiKey", in: "cookie", name: "__Host-loupe_session" } },
      },
    },
    transform: jsonSchemaTransform,
  });

  await app.register(
    async (api) => {
      registerAuth(api, ctx); // session + CSRF on every /api route, before any module's routes
      for (const register of moduleRoutes) await register(api, ctx);
      api.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: "/api" },
  );

  if (fs.existsSync(webDist)) {
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: false,
      // hashed bundle files never change; index.html must always be fresh
      setHeaders: (reply, filePath) => {
        reply.header(
          "Cache-Control",
          filePath.includes(`${path.sep}assets${path.sep}`)
            ? "public, max-age=31536000, immutable"
            : "no-cache",
        );
      },
    });
    // client-side routes: any other GET outside /api gets the app shell (the not-found handler
    // stays the API's JSON 404, set by the error handler)
    app.get("/*", { schema: { hide: true } }, (req, reply) => {
      if (req.url.startsWith("/api/") || req.url === "/api") {
        return reply.status(404).send({
          error: { code: "NOT_FOUND", message: `No route ${req.method} ${req.url.split("?")[0]}.` },
        });
      }
      return reply.sendFile("index.html");
    });
  }
  return app;
}
