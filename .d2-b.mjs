import { loadChecklist } from "./dist/index.js";
let c;
try { c = await loadChecklist("/tmp/d2/big.yaml", {}); console.log("loaded"); } catch (e) { console.log(e.stack.split("\n").slice(0,8).join("\n")); process.exit(); }
try { const r = await (await import("./dist/audit.js")).audit(c, {}); console.log(r?.verdict); } catch (e) { console.log(e.stack.split("\n").slice(0,8).join("\n")); }
