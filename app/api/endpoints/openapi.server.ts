import { z } from "zod";
import { defineEndpoint } from "../define.server";
import { openApiDocument } from "../openapi.server";

export const getOpenApi = defineEndpoint({
  method: "get",
  path: "/api/v1/openapi.json",
  tags: ["meta"],
  summary: "This OpenAPI 3.1 document (public, no key needed)",
  public: true,
  responses: { 200: { description: "The document", schema: z.record(z.string(), z.unknown()) } },
  handler: async () => ({ status: 200, body: openApiDocument(), headers: { "cache-control": "public, max-age=60" } }),
});
