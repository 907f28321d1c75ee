// Loaded with `node --import` into a process a test starts: on exit it writes the process's peak
// resident memory (in KiB, from getrusage) to the file PEAK_RSS_FILE names, so the test can bound it.
import fs from "node:fs";

const file = process.env.PEAK_RSS_FILE;
if (file) process.on("exit", () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS)));
