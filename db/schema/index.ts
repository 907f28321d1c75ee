export * from "./users";
export * from "./projects";
export * from "./audit";
export * from "./review";
export * from "./resolution";
export * from "./imports";
export * from "./datasets";
export * from "./prompts";
export * from "./llm";

export * from "./llm-runs";
export * from "./classifier";
export * from "./routing";
export * from "./feedback";
export * from "./webhooks";
