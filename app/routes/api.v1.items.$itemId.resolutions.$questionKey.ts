import { apiHandler } from "~/modules/api/define.server";
import { adjudicateEndpoint, clearAdjudicationEndpoint } from "~/modules/api/endpoints/resolutions.server";

export const loader = apiHandler(adjudicateEndpoint, clearAdjudicationEndpoint);
export const action = loader;
