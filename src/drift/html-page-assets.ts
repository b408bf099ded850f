/** Inline CSS and JS of the drift HTML page: the page must work offline, from a file or an e-mail. */
export const PAGE_CSS = `
:root { --ok: #2e7d32; --drift: #c62828; --drift-bg: #ffebee; --warn: #ef6c00; --unv: #6a1b9a; --unknown: #1565c0; --muted: #666; --line: #ddd; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #222; background: #fafafa; }
header, main { max-width: 1400px; margin: 0 auto; padding: 16px 24px; }
header { background: #fff; border-bottom: 1px solid var(--line); max-width: none; }
h1 { margin: 0 0 4px; font-size: 22px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 0 0 12px; }
.verdict { font-weight: 600; font-size: 16px; margin: 12px 0 0; }
.verdict.clean { color: var(--ok); } .verdict.drift { color: var(--drift); } .verdict.error { color: var(--unv); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 140px; }
.card b { display: block; font-size: 22px; }
.card.drift b { color: var(--drift); } .card.unverified b { color: var(--unv); } .card.unknown b { color: var(--unknown); }
.grid-wrap { overflow: auto; max-height: 75vh; border: 1px solid var(--line); background: #fff; }
table.grid { border-collapse: collapse; }
.grid th, .grid td { border: 1px solid var(--line); padding: 3px 8px; white-space: nowrap; text-align: center; }
.grid thead th { position: sticky; top: 0; background: #f3f3f3; z-index: 1; }
.grid tbody th { text-align: left; position: sticky; left: 0; background: #fff; font-weight: normal; max-width: 420px; overflow: hidden; text-overflow: ellipsis; }
.grid th.host.unreachable { color: var(--unv); }
.grid small { color: var(--muted); }
td.ok { color: var(--ok); } td.skipped, td.absent { color: #aaa; }
td.drifted { background: var(--drift-bg); color: var(--drift); font-weight: 600; }
td.drifted a { color: inherit; }
td.unknown { color: var(--unknown); background: #e3f2fd; } td.failed { color: #fff; background: var(--drift); } td.unverified { color: var(--unv); background: #f3e5f5; }
tr.drifted > th { font-weight: 600; }
body.only-drifted tr.row:not(.drifted) { display: none; }
.legend span { margin-right: 14px; }
details.resource { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--drift); border-radius: 4px; margin: 8px 0; }
details.resource > summary { cursor: pointer; padding: 8px 12px; }
details.resource[open] > summary { border-bottom: 1px solid var(--line); }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; margin-left: 6px; background: #eee; }
.badge.new { background: var(--drift); color: #fff; } .badge.since { background: #fff3e0; color: var(--warn); }
.change { padding: 8px 12px; }
.fromto code { padding: 1px 4px; border-radius: 3px; } .fromto .from { background: #ffebee; } .fromto .to { background: #e8f5e9; }
pre.diff { background: #fbfbfb; border: 1px solid var(--line); padding: 8px; overflow: auto; margin: 6px 0 0; }
pre.diff .add { color: #1b5e20; background: #e8f5e9; display: block; } pre.diff .del { color: #b71c1c; background: #ffebee; display: block; } pre.diff .hunk { color: #0277bd; display: block; }
ul.plain { padding-left: 18px; } .muted { color: var(--muted); }
button { font: inherit; margin-right: 6px; }
`;

export const PAGE_JS = `
(function () {
  var only = document.getElementById('only-drifted');
  if (only) only.addEventListener('change', function () { document.body.classList.toggle('only-drifted', only.checked); });
  document.querySelectorAll('a[data-open]').forEach(function (link) {
    link.addEventListener('click', function () {
      var target = document.getElementById(link.getAttribute('data-open'));
      if (target) target.open = true;
    });
  });
  function setAll(open) { document.querySelectorAll('details.resource').forEach(function (d) { d.open = open; }); }
  var expand = document.getElementById('expand-all'); if (expand) expand.addEventListener('click', function () { setAll(true); });
  var collapse = document.getElementById('collapse-all'); if (collapse) collapse.addEventListener('click', function () { setAll(false); });
  if (location.hash) { var d = document.getElementById(location.hash.slice(1)); if (d && d.tagName === 'DETAILS') d.open = true; }
})();
`;
