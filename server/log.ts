export type Logger = {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
};

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

export function createLogger(level: keyof typeof levels): Logger {
  const min = levels[level];
  const out = (at: keyof typeof levels, message: string) => {
    if (levels[at] < min) return;
    const line = `${new Date().toISOString()} ${at.padEnd(5)} ${message}\n`;
    (at === "error" || at === "warn" ? process.stderr : process.stdout).write(line);
  };
  return {
    debug: (m) => out("debug", m),
    info: (m) => out("info", m),
    warn: (m) => out("warn", m),
    error: (m, e) => out("error", e instanceof Error ? `${m}: ${e.stack ?? e.message}` : e ? `${m}: ${String(e)}` : m),
  };
}
