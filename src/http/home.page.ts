import type { MandateStatus } from '../services/status.service.js';

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function daysLeft(due: string | null, asOf: string): string {
  if (!due) return 'no due date';
  const day = 86_400_000;
  const start = Date.parse(`${due}T00:00:00Z`);
  const at = Date.parse(asOf);
  // The due day itself is "due today"; the first day after it is one day past due.
  if (at >= start + day) {
    const past = Math.floor((at - start - day) / day) + 1;
    return `${past} day${past === 1 ? '' : 's'} past due`;
  }
  if (at >= start) return 'due today';
  const left = Math.ceil((start - at) / day);
  return `${left} day${left === 1 ? '' : 's'} left`;
}

const STYLE = `header{display:flex;justify-content:space-between;align-items:center}
header form{margin:0}header button{background:none;border:1px solid #fff8;color:#fff;border-radius:4px;padding:.3rem .8rem;cursor:pointer}
.signin{max-width:360px;margin:3rem auto;background:#fff;border-radius:8px;padding:1.5rem;box-shadow:0 1px 3px #0002}
.signin label{display:block;margin:.8rem 0 .2rem;font-weight:600}.signin input{width:100%;padding:.5rem;box-sizing:border-box;font:inherit}
.signin button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit;background:#1d2330;color:#fff;border:0;border-radius:4px}
.error{color:#b71c1c}`;

function signOut(csrf: string | null): string {
  return csrf
    ? `<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${esc(csrf)}"><button type="submit">Sign out</button></form>`
    : '';
}

/** The sign-in form (and, with a message, why the page is not shown). */
export function renderSignInPage(
  message?: string,
  csrf: string | null = null,
  sso = false,
): string {
  const form = csrf
    ? ''
    : `<form method="post" action="/login">
  <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
  <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button></form>${sso ? '<p><a href="/auth/oidc/login">Sign in with single sign-on</a></p>' : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>phaseout — sign in</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
header{background:#1d2330;color:#fff;padding:1rem 2rem}header h1{margin:0;font-size:1.3rem}${STYLE}</style></head>
<body><header><h1>phaseout</h1>${signOut(csrf)}</header>
<main class="signin">${message ? `<p class="error" role="alert">${esc(message)}</p>` : '<h2>Sign in</h2>'}${form}</main></body></html>`;
}

/** The first served page: each mandate with its due date and current counts. */
export function renderHomePage(statuses: MandateStatus[], csrf: string | null = null): string {
  const cards = statuses.map((s) => {
    const d = s.devices;
    const total = d.pending + d.overdue + d.exempt + d.resolved;
    const pct = total === 0 ? 100 : Math.round((d.resolved / total) * 100);
    const phases = s.phases
      .map(
        (p) =>
          `<li><span class="state ${p.state}">${esc(p.state)}</span> ${esc(p.title ?? p.id)}${p.due ? ` — due ${esc(p.due)}` : ''}${p.requires === 'attest' ? ` (${p.attested}/${p.required} attested)` : ''}</li>`,
      )
      .join('');
    return `<section class="mandate" aria-labelledby="m-${esc(s.mandate)}">
  <h2 id="m-${esc(s.mandate)}">${esc(s.title)}</h2>
  <p class="meta"><code>${esc(s.mandate)}</code> v${s.version} · ${s.due ? `due <time datetime="${esc(s.due)}">${esc(s.due)}</time> · ${esc(daysLeft(s.due, s.asOf))}` : 'no due date'}</p>
  <div class="bar" role="img" aria-label="${pct}% of caught devices resolved"><div style="width:${pct}%"></div></div>
  <dl class="counts">
    <div><dt>Pending</dt><dd>${d.pending}</dd></div>
    <div class="overdue"><dt>Overdue</dt><dd>${d.overdue}</dd></div>
    <div><dt>Exempt</dt><dd>${d.exempt}</dd></div>
    <div class="resolved"><dt>Resolved</dt><dd>${d.resolved}</dd></div>
    <div><dt>People not compliant</dt><dd>${s.people.nonCompliant}</dd></div>
  </dl>
  <ul class="phases">${phases}</ul>
</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>phaseout — mandates</title>
<style>${STYLE}
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
header{background:#1d2330;color:#fff;padding:1rem 2rem}header h1{margin:0;font-size:1.3rem}
main{max-width:1100px;margin:1.5rem auto;padding:0 1rem;display:grid;gap:1rem}
.mandate{background:#fff;border-radius:8px;padding:1rem 1.5rem;box-shadow:0 1px 3px #0002}
.mandate h2{margin:.2rem 0;font-size:1.15rem}.meta{color:#555;margin:.2rem 0 .8rem}
.bar{height:10px;background:#e4e7ec;border-radius:5px;overflow:hidden}.bar div{height:100%;background:#2e7d32}
.counts{display:flex;gap:2rem;flex-wrap:wrap;margin:.8rem 0}.counts div{min-width:6rem}
dt{font-size:.8rem;color:#555;text-transform:uppercase;letter-spacing:.03em}dd{margin:0;font-size:1.6rem;font-weight:600}
.overdue dd{color:#b71c1c}.resolved dd{color:#2e7d32}
.phases{margin:0;padding-left:1rem}.state{display:inline-block;min-width:5rem;font-size:.8rem;font-weight:600;text-transform:uppercase}
.state.missed{color:#b71c1c}.state.met{color:#2e7d32}.state.open{color:#8a6d00}.state.upcoming{color:#555}
footer{color:#666;text-align:center;font-size:.85rem;padding:1rem}
</style></head>
<body><header><h1>phaseout</h1>${signOut(csrf)}</header>
<main>${cards.length ? cards.join('\n') : '<p>No mandates yet. Apply one with <code>phaseout apply -f FILE</code>.</p>'}</main>
<footer><a href="/console/">Open the console</a> · As of ${esc(statuses[0]?.asOf ?? new Date().toISOString())} · JSON at <a href="/api/v1/status">/api/v1/status</a></footer>
</body></html>`;
}
