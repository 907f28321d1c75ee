import { apiHandler } from "~/api/define.server";
import { codingSampleAgreementEndpoint } from "~/api/endpoints/research-insight.server";

export const loader = apiHandler(codingSampleAgreementEndpoint);
export const action = loader;
