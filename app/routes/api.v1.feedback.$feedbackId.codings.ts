import { apiHandler } from "~/api/define.server";
import { deleteCodingEndpoint, listCodingsEndpoint, patchCodedEndpoint, putCodingEndpoint } from "~/api/endpoints/research-comments.server";

export const loader = apiHandler(listCodingsEndpoint, putCodingEndpoint, patchCodedEndpoint, deleteCodingEndpoint);
export const action = loader;
