"""Developer tools: exporting the OpenAPI, JSON Schema and AsyncAPI documents under ``openapi/``."""
