import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { endpoints } from "./define.server";
import "./endpoints/index.server";

/** The OpenAPI 3.1 document, generated from the zod schemas the endpoints parse with. */
export function openApiDocument() {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key (create one under API keys, or with `loupe keys create`).",
  });
  for (const e of endpoints) {
    registry.registerPath({
      method: e.method,
      path: e.path,
      summary: e.summary,
      description: e.description,
      tags: e.tags,
      security: e.public ? [] : [{ [bearer.name]: [] }],
      request: {
        params: e.params,
        query: e.query,
        body: e.body
          ? { content: { "application/json": { schema: e.body } }, required: true }
          : e.streamedBody
            ? {
                description: e.streamedBody.description,
                content: Object.fromEntries(Object.entries(e.streamedBody.content).map(([type, schema]) => [type, { schema }])),
                required: true,
              }
            : undefined,
      },
      responses: Object.fromEntries(
        Object.entries(e.responses).map(([status, r]) => [
          status,
          {
            description: r.description,
            headers: r.headers ? Object.fromEntries(Object.entries(r.headers).map(([name, description]) => [name, { description, schema: { type: "string" as const } }])) : undefined,
            content: r.content
              ? Object.fromEntries(r.content.map((type) => [type, { schema: { type: "string" as const, format: "binary" } }]))
              : r.schema
                ? { "application/json": { schema: r.schema } }
                : undefined,
          },
        ]),
      ),
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Loupe API",
      version: "1",
      description:
        "Loupe's HTTP API. Authenticate with `Authorization: Bearer <API key>`; a key acts with its owner's rights. " +
        "Errors are JSON `{error, issues?}`; `issues` names each invalid field. This document is public.",
    },
    servers: [{ url: "/" }],
  });
}
