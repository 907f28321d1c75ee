import { apiHandler } from "~/api/define.server";
import { applyRoutingEndpoint } from "~/api/endpoints/classifier.server";

export const loader = apiHandler(applyRoutingEndpoint);
export const action = loader;
