const notFound = ({ request }: { request: Request }) =>
  new Response(JSON.stringify({ error: `No API route for ${request.method} ${new URL(request.url).pathname}. See /api/v1/openapi.json.` }), {
    status: 404,
    headers: { "content-type": "application/json; charset=utf-8" },
  });

export const loader = notFound;
export const action = notFound;
