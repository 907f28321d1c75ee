import { apiHandler } from "~/api/define.server";
import { adjudicateEndpoint, clearAdjudicationEndpoint } from "~/api/endpoints/resolutions.server";

export const loader = apiHandler(adjudicateEndpoint, clearAdjudicationEndpoint);
export const action = loader;
