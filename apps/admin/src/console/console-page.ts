/**
 * The console's page and style sheet. The page holds no data and no credential: its script (compiled
 * from `web/`) asks for the admin key or JWT, keeps it in sessionStorage and sends it as
 * `Authorization: Bearer` to the admin API, never in a URL.
 */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>AI gateway console</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/console/assets/console.css" />
    <script type="module" src="/console/assets/main.js"></script>
  </head>
  <body>
    <header>
      <h1>AI gateway console</h1>
      <span id="config-version" class="meta"></span>
      <button id="sign-out" type="button" hidden>Sign out</button>
    </header>
    <main>
      <section id="login" hidden>
        <form id="login-form" method="post" autocomplete="off">
          <label for="credential">Admin key or JWT</label>
          <input id="credential" name="credential" type="password" required spellcheck="false" />
          <button type="submit">Sign in</button>
          <p id="login-error" class="error" role="alert"></p>
        </form>
      </section>
      <div id="dashboard" hidden>
        <p id="dashboard-error" class="error" role="alert"></p>
        <section id="endpoints-panel">
          <h2>Applications and endpoints</h2>
          <p id="state-meta" class="meta"></p>
          <div id="endpoints"></div>
        </section>
        <section id="charts-panel">
          <h2>Traffic <select id="chart-application" aria-label="Application"></select></h2>
          <p id="charts-meta" class="meta"></p>
          <div id="charts" class="charts"></div>
        </section>
        <section id="consumers-panel">
          <h2>Consumers and keys</h2>
          <form id="consumer-form" method="post" autocomplete="off">
            <label for="consumer-id">Consumer id</label>
            <input id="consumer-id" name="id" required pattern="[A-Za-z0-9._\\-]+" />
            <label for="consumer-applications">Applications</label>
            <input id="consumer-applications" name="applications" value="*" />
            <button type="submit">Create consumer</button>
          </form>
          <div id="new-key" class="new-key" hidden>
            <p>Key of <strong id="new-key-consumer"></strong>, shown this once: copy it now.</p>
            <code id="new-key-value"></code>
            <button id="new-key-dismiss" type="button">Done</button>
          </div>
          <p id="consumers-error" class="error" role="alert"></p>
          <div id="consumers"></div>
        </section>
      </div>
    </main>
  </body>
</html>
`;

export const CONSOLE_CSS = `
:root {
  --bg: #f6f7f9; --panel: #ffffff; --ink: #1d2330; --muted: #5f6b7a; --line: #dde1e7;
  --ok: #1f8a4c; --warn: #b7791f; --bad: #c53030; --accent: #2b6cb0;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
}
body { margin: 0; background: var(--bg); }
header { display: flex; align-items: baseline; gap: 1rem; padding: 0.8rem 1.5rem; background: #1d2330; color: #fff; }
header h1 { font-size: 1.1rem; margin: 0; }
header .meta { color: #b8c2d0; }
header button { margin-left: auto; }
main { padding: 1rem 1.5rem; max-width: 1200px; margin: 0 auto; }
section, #login form { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin-bottom: 1rem; }
#dashboard > section { margin-bottom: 1rem; }
h2 { font-size: 1rem; margin: 0 0 0.6rem; display: flex; align-items: center; gap: 0.6rem; }
.meta { color: var(--muted); font-size: 0.85rem; margin: 0 0 0.6rem; }
.error { color: var(--bad); margin: 0.4rem 0; }
.error:empty { display: none; }
#login { max-width: 420px; margin: 3rem auto; background: none; border: none; padding: 0; }
#login form { display: grid; gap: 0.5rem; }
input, select, button { font: inherit; padding: 0.35rem 0.55rem; border: 1px solid var(--line); border-radius: 4px; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button.secondary { background: #fff; color: var(--ink); border-color: var(--line); }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.03em; }
tr.application td { background: #eef2f7; font-weight: 600; }
.pill { display: inline-block; padding: 0 0.5rem; border-radius: 999px; font-size: 0.8rem; border: 1px solid currentColor; }
.pill.ok { color: var(--ok); } .pill.warn { color: var(--warn); } .pill.bad { color: var(--bad); } .pill.idle { color: var(--muted); }
.limit { display: block; font-size: 0.8rem; color: var(--muted); }
.bar { display: inline-block; width: 60px; height: 6px; background: var(--line); border-radius: 3px; vertical-align: middle; margin-right: 0.3rem; overflow: hidden; }
.bar > span { display: block; height: 100%; background: var(--accent); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 1rem; }
.chart { border: 1px solid var(--line); border-radius: 4px; padding: 0.5rem; }
.chart h3 { font-size: 0.85rem; margin: 0 0 0.3rem; color: var(--muted); font-weight: 600; }
.chart svg { width: 100%; height: auto; display: block; }
.chart .axis { stroke: #c3c9d2; stroke-width: 1; }
.chart .grid { stroke: #edf0f3; stroke-width: 1; }
.chart .line { fill: none; stroke-width: 2; }
.chart .label { fill: var(--muted); font-size: 10px; }
.chart .empty { fill: var(--muted); font-size: 12px; }
#consumer-form { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin-bottom: 0.8rem; }
.new-key { border: 1px solid var(--warn); background: #fffaf0; border-radius: 4px; padding: 0.6rem; margin-bottom: 0.8rem; }
.new-key code { display: block; padding: 0.4rem; background: #fff; border: 1px dashed var(--warn); margin: 0.3rem 0 0.5rem; word-break: break-all; }
td.actions { white-space: nowrap; }
td.actions button { margin-right: 0.3rem; }
`;
