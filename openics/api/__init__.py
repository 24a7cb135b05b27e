"""api: the public read API, with its OpenAPI schema served at /api/openapi.json."""
