/** The UI's stylesheet, served as /assets/ui.css. Light and dark follow the system setting. */
export const UI_STYLES = `
:root { --bg:#f7f7f5; --card:#fff; --ink:#1d1f23; --muted:#5e6470; --line:#e2e3e6; --accent:#2f5fd0;
  --good:#1f8a4c; --bad:#c2362b; --warn:#b7791f; --ai:#7c4dcc; --focus:#ffd54a; color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --bg:#16181c; --card:#1f2227; --ink:#e7e9ec; --muted:#a0a6b0;
  --line:#33373e; --accent:#7aa2ff; --good:#4cc381; --bad:#ff7b6e; --warn:#e0b050; --ai:#b494ff; } }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background:var(--bg); color:var(--ink); }
a { color:var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline:3px solid var(--focus); outline-offset:1px; }
header.top { display:flex; flex-wrap:wrap; gap:.5rem 1.5rem; align-items:center; padding:.7rem 1.2rem; background:var(--card); border-bottom:1px solid var(--line); }
header.top .brand { font-weight:700; color:var(--ink); text-decoration:none; }
header.top nav { display:flex; flex-wrap:wrap; gap:.3rem 1rem; }
header.top nav a { text-decoration:none; padding:.2rem 0; }
header.top nav a[aria-current=page] { font-weight:600; border-bottom:2px solid var(--accent); }
header.top .db { margin-left:auto; color:var(--muted); font-size:12px; }
main { padding:1rem 1.2rem 3rem; max-width:1400px; margin:0 auto; }
h1 { font-size:1.35rem; margin:.3rem 0 1rem; overflow-wrap:anywhere; }
h2 { font-size:1.05rem; margin:1.5rem 0 .6rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:.9rem 1rem; margin-bottom:1rem; min-width:0; }
.grid { display:grid; grid-template-columns:repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap:1rem; }
.tiles { display:grid; grid-template-columns:repeat(auto-fit, minmax(150px, 1fr)); gap:.8rem; margin-bottom:1rem; }
.tile { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:.7rem .9rem; }
.tile b { display:block; font-size:1.4rem; }
.tile span { color:var(--muted); font-size:12px; }
.chart { position:relative; height:260px; }
.table-wrap { overflow-x:auto; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:.4rem .55rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; font-size:12px; white-space:nowrap; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
td.goal { overflow-wrap:anywhere; min-width:14rem; }
tr[data-nav-item].focused, tr[data-nav-item]:focus-within { background:color-mix(in srgb, var(--accent) 12%, transparent); }
.badge { display:inline-block; padding:0 .45rem; border-radius:9px; font-size:12px; font-weight:600; white-space:nowrap; }
.badge.ok { background:color-mix(in srgb, var(--good) 18%, transparent); color:var(--good); }
.badge.fail { background:color-mix(in srgb, var(--bad) 18%, transparent); color:var(--bad); }
.badge.pending, .badge.neutral { background:var(--line); color:var(--muted); }
.muted { color:var(--muted); }
.error-text { color:var(--bad); white-space:pre-wrap; overflow-wrap:anywhere; margin:0; font-family:ui-monospace, monospace; font-size:12.5px; }
.tools-used { display:flex; flex-wrap:wrap; gap:.25rem; }
.tools-used .t { font-family:ui-monospace, monospace; font-size:12px; padding:0 .3rem; border-radius:4px; background:var(--line); }
.tools-used .t.fail { background:color-mix(in srgb, var(--bad) 22%, transparent); }
form.filters { display:flex; flex-wrap:wrap; gap:.6rem; align-items:end; }
form.filters label { display:flex; flex-direction:column; font-size:12px; color:var(--muted); gap:.15rem; }
input, select, button { font:inherit; color:inherit; background:var(--card); border:1px solid var(--line); border-radius:6px; padding:.3rem .5rem; }
button { cursor:pointer; }
button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
.pager { display:flex; gap:1rem; margin-top:.8rem; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.3rem 1rem; margin:0; }
dl.facts dt { color:var(--muted); }
dl.facts dd { margin:0; overflow-wrap:anywhere; }
.waterfall { display:flex; flex-direction:column; gap:.5rem; }
.run { border:1px solid var(--line); border-radius:6px; padding:.5rem .7rem; }
.run.failed { border-left:4px solid var(--bad); }
.run.succeeded { border-left:4px solid var(--good); }
.run-head { display:grid; grid-template-columns:minmax(9rem, 16rem) 1fr max-content; gap:.8rem; align-items:center; }
.track { position:relative; height:14px; background:var(--line); border-radius:3px; }
.bar { position:absolute; top:0; bottom:0; min-width:2px; border-radius:3px; background:var(--good); }
.run.failed .bar { background:var(--bad); }
details.json > summary { cursor:pointer; color:var(--muted); }
.json-tree { font-family:ui-monospace, monospace; font-size:12.5px; margin:.3rem 0 0; }
.json-tree details { margin-left:1rem; }
.json-tree .k { color:var(--accent); }
.json-tree .s { color:var(--good); white-space:pre-wrap; overflow-wrap:anywhere; }
.json-tree .n { color:var(--warn); }
.json-tree .leaf { margin-left:1rem; overflow-wrap:anywhere; }
td.goal .error-text { white-space:normal; }
pre.code { background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:.6rem; overflow:auto; max-height:24rem; font-size:12.5px; }
.actions { display:flex; gap:.4rem; flex-wrap:wrap; }
.actions form { margin:0; }
.notice { padding:.6rem .8rem; border-radius:6px; background:color-mix(in srgb, var(--accent) 12%, transparent); margin-bottom:1rem; }
.notice.bad { background:color-mix(in srgb, var(--bad) 14%, transparent); }
.tabs { display:flex; gap:.8rem; margin-bottom:.8rem; flex-wrap:wrap; }
.tabs a[aria-current=page] { font-weight:600; }
.hint { font-size:12px; color:var(--muted); }
@media (max-width: 700px) { .run-head { grid-template-columns:1fr max-content; } .run-head .track { grid-column:1 / -1; } th.opt, td.opt { display:none; } }
`;
