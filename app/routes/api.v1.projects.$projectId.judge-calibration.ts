import { apiHandler } from "~/api/define.server";
import { getJudgeCalibrationEndpoint } from "~/api/endpoints/calibration.server";

export const loader = apiHandler(getJudgeCalibrationEndpoint);
export const action = loader;
