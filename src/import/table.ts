/**
 * Which columns of a Markdown table hold what, for tables whose rows are checklist items: a title
 * column (Check / Item / Name / Recommendation …, else the first free column), a status column
 * (Status / Done, or a column of boxes ☐ ☑ `[ ]` `&#9744;` with any header, even an empty one), a
 * severity column (Priority / Severity / Level / Impact …), requirement-level columns (`Level C |
 * Level B | Level A`, `L1 | L2 | L3`: the first level that requires the row gives its severity),
 * and an id column (`#`, `ID`). Pure: the caller decides what to do with a table that is not one.
 */
import { decodeText } from "./inline.js";

const STATUS_HEADER = /^(?:status|state|done\??|complete[d]?\??|ready\??|result|checked|✅|✔️?|☑️?)$|\bstatus\b/;
const SEVERITY_HEADER = /^(?:priority|severity|criticality|sev|level|prio|impact|importance|risk|moscow|requirement level|must\/should)$/;
const TITLE_HEADER =
  /^(?:check|checks|check name|checkpoint|item|items|name|title|task|tasks|requirement|requirements|recommendation|recommendations|control|controls|practice|best practice|criteri(?:on|a)|test|tests|step|steps|gate|gates|deliverable|deliverables|action|actions|activity|question|area)$/;
const ID_HEADER = /^(?:#|id|no\.?|nr\.?|ref|number|req|req\.? ?id|item #)$/;
const LEVEL_HEADER = /^(?:level|tier)\s?[-_]?\s?[a-z0-9]{1,2}$|^l[1-5]$/;
/** A cell that is only a box: empty, open or ticked (after entities and shortcodes are decoded). */
const BOX_CELL = /^(?:\[[ xX~/-]?\]|[\u2610\u2611\u2612\u2705\u2714\u2713\u274c\u2717\u2718\u2b1c\u2b55]\ufe0f?)?$/u;

/** The roles of a table's columns (indexes into the header), or undefined when its rows are not items. */
export interface TableColumns {
  title: number;
  status?: number;
  severity?: number;
  levels: number[];
  id?: number;
  /** How the table was recognised, for the import report. */
  why: string;
}

function isBoxColumn(rows: string[][], col: number): boolean {
  let marked = 0;
  for (const r of rows) {
    const cell = decodeText(r[col] ?? "").trim();
    if (!BOX_CELL.test(cell)) return false;
    if (cell) marked++;
  }
  return marked > 0;
}

/**
 * The column roles of a table with `header` (plain text, lower case) and `rows` (raw cells), or
 * undefined when it is not a table of items. `checklistSection`: the table sits under a heading
 * that says it is the checklist, so a plain two-column table counts.
 */
export function tableColumns(header: string[], rows: string[][], checklistSection: boolean): TableColumns | undefined {
  if (header.length < 1 || rows.length === 0) return undefined;
  const used = new Set<number>();
  const find = (re: RegExp): number | undefined => {
    const i = header.findIndex((h, k) => !used.has(k) && re.test(h));
    if (i < 0) return undefined;
    used.add(i);
    return i;
  };
  const levels = header.map((h, i) => (LEVEL_HEADER.test(h) && !SEVERITY_HEADER.test(h) ? i : -1)).filter((i) => i >= 0);
  const levelCols = levels.length >= 2 ? levels : [];
  for (const i of levelCols) used.add(i);
  let status = find(STATUS_HEADER);
  let why = status !== undefined ? "status column" : "";
  if (status === undefined) {
    const box = header.findIndex((_, i) => !used.has(i) && isBoxColumn(rows, i));
    if (box >= 0) {
      status = box;
      used.add(box);
      why = "column of checkboxes";
    }
  }
  const severity = find(SEVERITY_HEADER);
  const id = find(ID_HEADER);
  let title = find(TITLE_HEADER);
  if (title !== undefined) why ||= `"${header[title]}" column`;
  else {
    const free = header.findIndex((_, i) => !used.has(i));
    if (free < 0) return undefined;
    title = free;
  }
  if (!why && levelCols.length > 0) why = "requirement-level columns";
  if (!why && checklistSection && header.length >= 2) why = "table under a checklist heading";
  if (!why) return undefined;
  const out: TableColumns = { title, levels: levelCols, why };
  if (status !== undefined) out.status = status;
  if (severity !== undefined) out.severity = severity;
  if (id !== undefined) out.id = id;
  return out;
}

/** Whether a level cell requires the row (a tick, a cross-free mark, yes, x). */
export function levelMarked(cell: string): boolean {
  const t = decodeText(cell).trim().toLowerCase();
  return t !== "" && !/^(?:-|–|—|no|n\/a|na|0|false|❌|✗|✘)$/.test(t);
}
