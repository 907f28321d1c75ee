import { apiHandler } from "~/api/define.server";
import { trainClassifierEndpoint } from "~/api/endpoints/classifier.server";

export const loader = apiHandler(trainClassifierEndpoint);
export const action = loader;
