// Importing every endpoint module registers it for the OpenAPI document.
import "./foundation.server";
import "./openapi.server";
import "./review.server";
import "./items.server";
import "./datasets.server";
import "./quality.server";
import "./resolutions.server";
import "./llm-providers.server";
import "./calibration.server";
import "./llm-runs.server";
import "./metrics.server";
import "./prompts.server";
import "./classifier.server";
import "./distillation.server";
import "./research-insight.server";
import "./feedback-ingest.server";
import "./research.server";
