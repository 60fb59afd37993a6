// The filters, call list, movers and searchable customer table of the tier dashboard. Plain JavaScript, no library,
// no network: the rows are embedded in the page as gzip + base64 JSON and unpacked with the browser's own
// DecompressionStream.
"use strict";

const PAGE_SIZE = 25;
const [ID, NAME, TIER, SCORE, PREVIOUS, CHANGE, REVENUE, REASONS] = [0, 1, 2, 3, 4, 5, 6, 7];
const [OWNER, CHANGES, HELD, NEWLY, CALL] = [8, 11, 12, 13, 14];
const NO_OWNER = "(no owner)";
const NO_VALUE = "(none)"; // a filter's choice for customers without a value

const config = JSON.parse(document.getElementById("dashboard-config").textContent);
const RANK = Object.fromEntries(config.tiers.map((tier, i) => [tier, i + 1])); // best tier first
const state = {
  rows: [], words: [], tier: "", movedOnly: false, sort: "tier", descending: false, page: 0,
  filters: {}, // column index -> value chosen in the filters ("" or absent: all)
  showAll: { slipping: false, rising: false },
};

function filtered(row) {
  return Object.entries(state.filters).every(
    ([column, value]) => !value || (value === NO_VALUE ? row[column] === null : row[column] === value),
  );
}

async function unpack(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).json();
}

function matches(row) {
  if (!filtered(row)) return false;
  if (state.tier && row[TIER] !== state.tier) return false;
  if (state.movedOnly && (row[PREVIOUS] === null || row[PREVIOUS] === row[TIER])) return false;
  return state.words.every((word) => row.haystack.includes(word));
}

const SORT_KEYS = {
  tier: (row) => [RANK[row[TIER]], -row[SCORE]],
  name: (row) => [(row[NAME] || row[ID]).toLowerCase()],
  owner: (row) => [(row[OWNER] || "~").toLowerCase()],
  score: (row) => [row[SCORE]],
  change: (row) => [row[CHANGE] === null ? -Infinity : row[CHANGE]],
  revenue: (row) => [row[REVENUE]],
};

function compare(a, b) {
  const key = SORT_KEYS[state.sort];
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < ka.length; i += 1) {
    if (ka[i] < kb[i]) return state.descending ? 1 : -1;
    if (ka[i] > kb[i]) return state.descending ? -1 : 1;
  }
  return 0;
}

function cell(tr, text, className) {
  const td = tr.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function tierCell(tr, row) {
  const td = cell(tr, "");
  const badge = document.createElement("span");
  badge.className = `badge tier-${row[TIER].toLowerCase()}`;
  badge.textContent = row[TIER];
  td.append(badge, document.createTextNode(` ${config.actions[row[TIER]]}`));
}

function heldText(row) {
  return row[HELD] ? `kept ${row[TIER]} by the hysteresis margin` : "";
}

function changeText(row) {
  if (row[PREVIOUS] === null) return "new";
  const moved = RANK[row[TIER]] - RANK[row[PREVIOUS]];
  const score = row[CHANGE] === null ? "" : `${row[CHANGE] > 0 ? "+" : ""}${row[CHANGE].toFixed(1)}`;
  if (moved === 0) return score;
  return `${moved < 0 ? "▲" : "▼"} from ${row[PREVIOUS]} ${score}`.trim();
}

function reasonItems(parent, text) {
  for (const reason of text.split("; ").filter(Boolean)) {
    const item = document.createElement("div");
    item.textContent = reason;
    item.className = reason.startsWith("+") ? "plus" : "minus";
    parent.append(item);
  }
}

function reasonsCell(tr, row) {
  reasonItems(cell(tr, "", "reasons"), row[REASONS]);
}

function nameCell(tr, row) {
  const name = cell(tr, row[NAME] || row[ID], "name");
  const id = document.createElement("small");
  id.textContent = row[ID];
  name.append(document.createElement("br"), id);
}

function changeCell(tr, row) {
  const moved = row[PREVIOUS] !== null && row[PREVIOUS] !== row[TIER];
  const up = moved && RANK[row[TIER]] < RANK[row[PREVIOUS]];
  const td = cell(tr, changeText(row), `change ${moved ? (up ? "good" : "bad") : ""}`);
  if (row[HELD]) {
    const held = document.createElement("div");
    held.className = "held";
    held.textContent = heldText(row);
    td.append(held);
  }
}

const money = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });

function render() {
  const found = state.rows.filter(matches).sort(compare);
  const pages = Math.max(1, Math.ceil(found.length / PAGE_SIZE));
  state.page = Math.min(state.page, pages - 1);
  const body = document.querySelector("#customer-table tbody");
  body.replaceChildren();
  for (const row of found.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE)) {
    const tr = body.insertRow();
    nameCell(tr, row);
    cell(tr, row[OWNER] || NO_OWNER, "owner");
    tierCell(tr, row);
    cell(tr, row[SCORE] === null ? "" : row[SCORE].toFixed(1), "number");
    if (config.history) changeCell(tr, row);
    cell(tr, `${money.format(row[REVENUE])} ${config.currency}`, "number");
    reasonsCell(tr, row);
  }
  if (!found.length) {
    const td = body.insertRow().insertCell();
    td.colSpan = config.history ? 7 : 6;
    td.className = "empty";
    td.textContent = "No customer matches the search.";
  }
  const first = found.length ? state.page * PAGE_SIZE + 1 : 0;
  const last = Math.min(found.length, (state.page + 1) * PAGE_SIZE);
  document.getElementById("table-count").textContent =
    `${first.toLocaleString("en")}–${last.toLocaleString("en")} of ${found.length.toLocaleString("en")} customers`;
  document.getElementById("page-prev").disabled = state.page === 0;
  document.getElementById("page-next").disabled = state.page >= pages - 1;
}

const byRevenue = (a, b) => b[REVENUE] - a[REVENUE];
const fellFromIdeal = (row) => row[PREVIOUS] === "Ideal" && row[TIER] !== "Ideal";

// Why to call: what changed most for a slipping customer, the rising reason for a rising one.
function whyCall(row) {
  if (row[CALL] === "slipping") {
    if (row[CHANGES]) return row[CHANGES];
    const fell = row[CHANGE] === null ? "" : ` (${row[CHANGE].toFixed(1)} points)`;
    return `- score ${row[SCORE].toFixed(1)}${fell}`;
  }
  const reason = row[REASONS].split("; ").find((r) => config.risingReason && r.startsWith(config.risingReason));
  return reason || "+ rising";
}

function callTier(td, row) {
  const badge = document.createElement("span");
  badge.className = `badge tier-${row[TIER].toLowerCase()}`;
  badge.textContent = row[TIER];
  td.append(badge);
  const note = document.createElement("div");
  note.className = "note";
  if (fellFromIdeal(row)) note.textContent = `▼ from Ideal`;
  else if (row[CALL] === "slipping") {
    note.textContent = `score ${row[SCORE].toFixed(1)} (${row[CHANGE].toFixed(1)})${row[HELD] ? `, ${heldText(row)}` : ""}`;
  }
  else if (row[CALL] === "newly rising") note.textContent = "newly rising";
  td.append(note);
}

function renderCall(kind, rows) {
  const body = document.querySelector(`#call-${kind} tbody`);
  body.replaceChildren();
  const shown = state.showAll[kind] ? rows : rows.slice(0, config.callRows);
  for (const row of shown) {
    const tr = body.insertRow();
    nameCell(tr, row);
    cell(tr, row[OWNER] || NO_OWNER, "owner");
    callTier(cell(tr, ""), row);
    cell(tr, `${money.format(row[REVENUE])} ${config.currency}`, "number");
    reasonItems(cell(tr, "", "reasons"), whyCall(row));
  }
  if (!rows.length) {
    const td = body.insertRow().insertCell();
    td.colSpan = 5;
    td.className = "empty";
    td.textContent = "Nobody.";
  }
  document.getElementById(`call-${kind}-count`).textContent = `(${rows.length.toLocaleString("en")})`;
  const more = document.getElementById(`call-${kind}-more`);
  more.hidden = rows.length <= config.callRows;
  more.textContent = state.showAll[kind] ? "Show fewer" : `Show all ${rows.length.toLocaleString("en")}`;
}

function renderCalls() {
  const rows = state.rows.filter(filtered);
  const slipping = rows.filter((r) => r[CALL] === "slipping");
  slipping.sort((a, b) => fellFromIdeal(b) - fellFromIdeal(a) || byRevenue(a, b));
  const rising = rows.filter((r) => r[CALL] === "rising" || r[CALL] === "newly rising");
  rising.sort((a, b) => (b[CALL] === "newly rising") - (a[CALL] === "newly rising") || byRevenue(a, b));
  renderCall("slipping", slipping);
  renderCall("rising", rising);
}

function renderMovers() {
  const list = document.getElementById("movers");
  if (!list) return; // a first run: no movements yet
  const rows = state.rows.filter(filtered);
  const moved = rows.filter((r) => r[PREVIOUS] !== null && r[PREVIOUS] !== r[TIER]).sort(byRevenue);
  const up = moved.filter((r) => RANK[r[TIER]] < RANK[r[PREVIOUS]]).length;
  const held = rows.filter((r) => r[HELD]).length;
  const count = document.getElementById("movers-count");
  count.replaceChildren();
  for (const [text, css] of [
    [`▲ ${up.toLocaleString("en")} moved up`, "up"],
    [`▼ ${(moved.length - up).toLocaleString("en")} moved down`, "down"],
    [`${held.toLocaleString("en")} kept their tier by the hysteresis margin`, "held"],
  ]) {
    const span = document.createElement("span");
    span.className = css;
    span.textContent = text;
    count.append(span);
  }
  list.replaceChildren();
  for (const row of moved.slice(0, config.movers)) {
    const li = document.createElement("li");
    const isUp = RANK[row[TIER]] < RANK[row[PREVIOUS]];
    li.className = isUp ? "up" : "down";
    const name = document.createElement("b");
    name.textContent = `${isUp ? "▲" : "▼"} ${row[NAME] || row[ID]}`;
    const what = document.createElement("span");
    what.textContent = ` ${row[PREVIOUS]} → ${row[TIER]} · ${money.format(row[REVENUE])} ${config.currency} · ${row[OWNER] || NO_OWNER}`;
    const changes = document.createElement("div");
    changes.className = "reasons";
    if (row[CHANGES]) reasonItems(changes, row[CHANGES]);
    else changes.textContent = row[CHANGES] === "" ? "no trait moved by half a point" : "nothing to compare with";
    li.append(name, what, changes);
    list.append(li);
  }
  if (!moved.length) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = "Nobody changed tier.";
    list.append(li);
  }
}

function update(changes) {
  Object.assign(state, changes, { page: changes.page ?? 0 });
  render();
}

// The filters apply to the call list, the movers and the table alike.
function filter(filters) {
  update({ filters });
  renderCalls();
  renderMovers();
}

function wire() {
  const search = document.getElementById("customer-search");
  search.addEventListener("input", () => {
    update({ words: search.value.toLowerCase().split(/\s+/).filter(Boolean) });
  });
  for (const button of document.querySelectorAll("[data-tier-filter]")) {
    button.addEventListener("click", () => {
      document.querySelectorAll("[data-tier-filter]").forEach((b) => b.classList.toggle("active", b === button));
      update({ tier: button.dataset.tierFilter });
    });
  }
  for (const select of document.querySelectorAll("#filters select")) {
    select.addEventListener("change", () => {
      filter({ ...state.filters, [select.dataset.column]: select.value });
      const on = Object.values(state.filters).some(Boolean);
      const shown = state.rows.filter(filtered).length.toLocaleString("en");
      document.getElementById("filter-count").textContent = on ? `${shown} customers on this page` : "";
    });
  }
  document.getElementById("filter-clear").addEventListener("click", () => {
    document.querySelectorAll("#filters select").forEach((s) => { s.value = ""; });
    document.getElementById("filter-count").textContent = "";
    filter({});
  });
  for (const kind of ["slipping", "rising"]) {
    document.getElementById(`call-${kind}-more`).addEventListener("click", () => {
      state.showAll[kind] = !state.showAll[kind];
      renderCalls();
    });
  }
  const moved = document.getElementById("moved-only");
  if (moved) moved.addEventListener("change", () => update({ movedOnly: moved.checked }));
  for (const th of document.querySelectorAll("#customer-table th[data-sort]")) {
    th.addEventListener("click", () => {
      const same = state.sort === th.dataset.sort;
      update({ sort: th.dataset.sort, descending: same ? !state.descending : th.dataset.sort !== "name" && th.dataset.sort !== "tier" });
    });
  }
  document.getElementById("page-prev").addEventListener("click", () => update({ page: state.page - 1 }));
  document.getElementById("page-next").addEventListener("click", () => update({ page: state.page + 1 }));
}

async function main() {
  const rows = await unpack(document.getElementById("customer-data").textContent.trim());
  for (const row of rows) {
    row.haystack = [row[ID], row[NAME], row[TIER], config.actions[row[TIER]], row[REASONS], row[OWNER]]
      .join(" ")
      .toLowerCase();
  }
  state.rows = rows;
  wire();
  filter({});
  document.getElementById("customer-table").dataset.ready = "true";
}

main();
