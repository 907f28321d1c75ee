import { apiHandler } from "~/modules/api/define.server";
import { getMe } from "~/modules/api/endpoints/foundation.server";

export const loader = apiHandler(getMe);
export const action = loader;
