// The searchable customer table of the tier dashboard. Plain JavaScript, no library, no network: the rows are
// embedded in the page as gzip + base64 JSON and unpacked with the browser's own DecompressionStream.
"use strict";

const PAGE_SIZE = 25;
const [ID, NAME, TIER, SCORE, PREVIOUS, CHANGE, REVENUE, REASONS] = [0, 1, 2, 3, 4, 5, 6, 7];

const config = JSON.parse(document.getElementById("dashboard-config").textContent);
const RANK = Object.fromEntries(config.tiers.map((tier, i) => [tier, i + 1])); // best tier first
const state = { rows: [], words: [], tier: "", movedOnly: false, sort: "tier", descending: false, page: 0 };

async function unpack(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).json();
}

function matches(row) {
  if (state.tier && row[TIER] !== state.tier) return false;
  if (state.movedOnly && (row[PREVIOUS] === null || row[PREVIOUS] === row[TIER])) return false;
  return state.words.every((word) => row.haystack.includes(word));
}

const SORT_KEYS = {
  tier: (row) => [RANK[row[TIER]], -row[SCORE]],
  name: (row) => [row[NAME].toLowerCase()],
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

function changeText(row) {
  if (row[PREVIOUS] === null) return "new";
  const moved = RANK[row[TIER]] - RANK[row[PREVIOUS]];
  const score = row[CHANGE] === null ? "" : `${row[CHANGE] > 0 ? "+" : ""}${row[CHANGE].toFixed(1)}`;
  if (moved === 0) return score;
  return `${moved < 0 ? "▲" : "▼"} from ${row[PREVIOUS]} ${score}`.trim();
}

function reasonsCell(tr, row) {
  const td = cell(tr, "", "reasons");
  for (const reason of row[REASONS].split("; ").filter(Boolean)) {
    const item = document.createElement("div");
    item.textContent = reason;
    item.className = reason.startsWith("+") ? "plus" : "minus";
    td.append(item);
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
    const name = cell(tr, row[NAME] || row[ID], "name");
    const id = document.createElement("small");
    id.textContent = row[ID];
    name.append(document.createElement("br"), id);
    tierCell(tr, row);
    cell(tr, row[SCORE] === null ? "" : row[SCORE].toFixed(1), "number");
    if (config.history) cell(tr, changeText(row), "change");
    cell(tr, `${money.format(row[REVENUE])} ${config.currency}`, "number");
    reasonsCell(tr, row);
  }
  if (!found.length) {
    const td = body.insertRow().insertCell();
    td.colSpan = config.history ? 6 : 5;
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

function update(changes) {
  Object.assign(state, changes, { page: changes.page ?? 0 });
  render();
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
    row.haystack = [row[ID], row[NAME], row[TIER], config.actions[row[TIER]], row[REASONS]].join(" ").toLowerCase();
  }
  state.rows = rows;
  wire();
  render();
  document.getElementById("customer-table").dataset.ready = "true";
}

main();
