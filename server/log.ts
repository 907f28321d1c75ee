export { createLogger, describeError, type Logger } from "~/utils/log.server";
