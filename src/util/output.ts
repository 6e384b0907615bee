/**
 * The output boundary: everything the command line writes to stdout and stderr passes through an
 * `Output` (src/cli.ts makes one per stream), and every report file through `maskParts`. It masks
 * every secret known to the run, so a field, a message or a format added later cannot forget to,
 * and on a GitHub Actions runner it keeps any line from being read as a workflow command.
 */
import { maskStream, type SecretMasker } from "./mask.js";

/** Options of `createOutput`. */
export interface OutputOptions {
  /** Every secret known to the run; it may learn more while the run goes on. */
  secrets: SecretMasker;
  /**
   * The output is read by a GitHub Actions runner (GITHUB_ACTIONS=true), which executes a line
   * that starts (after whitespace) with `::`, or holds `##[` anywhere, as a workflow command.
   */
  actions: boolean;
}

/** A stream of text on its way out. */
export interface Output {
  write(text: string): void;
  /** A workflow command readiness means (an annotation): written on a line of its own, masked, as it is. */
  command(line: string): void;
  /** Writes whatever was held back (the end of a line, or what may be the start of a secret). */
  end(): void;
}

/**
 * A line start as the runner reads lines (they end at CR or LF) and trims them (.NET whitespace,
 * which includes U+0085), followed by `::`; and the legacy `##[` form, which the runner finds
 * anywhere in a line.
 */
const COMMAND_START = /(^|[\r\n])([\s\u0085]*):(?=:)/g;
const LEGACY_COMMAND = /##\[/g;

/**
 * Text (whole lines) that no workflow command can be read from: a zero-width space after the first
 * `:` of a line-starting `::` and after the `##` of `##[`. The runner's trimming leaves it (it is
 * not whitespace to .NET), readers do not see it.
 */
export function neutraliseCommands(text: string): string {
  if (!text.includes("::") && !text.includes("##[")) return text;
  return text.replace(COMMAND_START, "$1$2:\u200b").replace(LEGACY_COMMAND, "##\u200b[");
}

/** Index just past the last line break (CR or LF) of `text`, 0 when it has none. */
function afterLastBreak(text: string): number {
  return Math.max(text.lastIndexOf("\n"), text.lastIndexOf("\r")) + 1;
}

/**
 * An Output writing to `sink`. Secrets are masked across writes (a piece's end that may start one is
 * held back); on a runner, a line is written only once it is whole, so that a line start is known.
 */
export function createOutput(sink: (text: string) => void, options: OutputOptions): Output {
  const masking = maskStream(options.secrets);
  let line = "";
  let last = "\n";
  const put = (text: string): void => {
    if (!text) return;
    sink(text);
    last = text[text.length - 1] ?? last;
  };
  const emit = (text: string, whole: boolean): void => {
    if (!options.actions) return put(text);
    const all = line + text;
    const cut = whole ? all.length : afterLastBreak(all);
    line = all.slice(cut);
    put(neutraliseCommands(all.slice(0, cut)));
  };
  return {
    write: (text) => emit(masking.write(text), false),
    command(text) {
      emit(masking.end(), true);
      if (last !== "\n" && last !== "\r") put("\n");
      put(`${options.secrets.mask(text).replace(LEGACY_COMMAND, "##\u200b[")}\n`);
    },
    end: () => emit(masking.end(), true),
  };
}
