/**
 * The command line's entry (bin/readiness.js imports it): runs it on `process.argv`, then exits with
 * the code it set. By then stdout and stderr are flushed (main waits for both), and exiting here
 * means nothing a probe left open (a socket, a timer) can keep the process alive after its report.
 */
import { main } from "./cli.js";

await main(process.argv);
process.exit();
