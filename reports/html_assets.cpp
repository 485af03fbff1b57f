#include "reports/html_assets.h"

namespace mpt::reports {

const char* const kReportCss = R"css(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; margin: 24px auto; max-width: 1280px; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #dde1e8; }
.meta, .note { color: #5b6475; } nav a { margin-right: 12px; }
table { border-collapse: collapse; margin: 8px 0 16px; } th, td { padding: 4px 10px; border-bottom: 1px solid #e6e9ef; }
th { background: #f4f6f9; text-align: left; white-space: nowrap; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.js-sortable th { cursor: pointer; } th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: baseline; }
.partial { color: #b4572e; } code { font-size: 12px; }
.charts { display: flex; flex-wrap: wrap; gap: 10px; } .chart { border: 1px solid #e6e9ef; border-radius: 4px; background: #fff; }
.chart-title { font-size: 11px; font-weight: 600; fill: #1d2330; } .axis { font-size: 10px; fill: #5b6475; } .value { font-size: 10px; fill: #1d2330; }
.grid { stroke: #e6e9ef; } .whisker { stroke: #1d2330; stroke-width: 1; fill: none; }
details { margin: 6px 0; } summary { cursor: pointer; } td.resp { font-family: ui-monospace, monospace; font-size: 12px; max-width: 420px; overflow-wrap: anywhere; }
.better { color: #2f7d32; } .worse { color: #b3261e; }
)css";

const char* const kReportJs = R"js(
(function () {
  function key(cell) {
    var v = cell.getAttribute('data-value');
    if (v === null) return cell.textContent.trim();
    return v === '' ? NaN : parseFloat(v);
  }
  function sortTable(table, col, dir) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col]), y = key(b.cells[col]), c;
      if (typeof x === 'number' && typeof y === 'number') {
        if (isNaN(x) || isNaN(y)) return isNaN(x) - isNaN(y);  // missing values last either way
        c = x - y;
      } else {
        c = String(x).localeCompare(String(y));
      }
      return dir === 'desc' ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.setAttribute('aria-sort', i === col ? (dir === 'asc' ? 'ascending' : 'descending') : 'none');
    });
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.setAttribute('aria-sort', 'none');
      th.tabIndex = 0;
      th.title = 'sort by this column';
      th.addEventListener('click', function () {
        sortTable(table, i, th.getAttribute('aria-sort') === 'ascending' ? 'desc' : 'asc');
      });
    });
    table.classList.add('js-sortable');
  });
  var m = /^#sort=([\w-]+):(\d+):(asc|desc)$/.exec(window.location.hash);
  if (m) {
    var t = document.getElementById(m[1]);
    if (t && t.classList.contains('sortable')) sortTable(t, parseInt(m[2], 10), m[3]);
  }
})();
)js";

}  // namespace mpt::reports
