//! The OpenAPI document served at `/v1/openapi.json`.

use axum::Json;

/// Serves the document.
pub async fn document() -> Json<serde_json::Value> {
    Json(serde_json::from_str(DOC).unwrap_or_default())
}

const DOC: &str = include_str!("openapi.json");
