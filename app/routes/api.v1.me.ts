import { apiHandler } from "~/api/define.server";
import { getMe } from "~/api/endpoints/foundation.server";

export const loader = apiHandler(getMe);
export const action = loader;
