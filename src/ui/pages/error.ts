import { html, type Html } from '../html.js';

/** The body of a 4xx/5xx page: what went wrong, in words, and a way on. Never a stack trace. */
export function errorBody(status: number, title: string, message: string): Html {
  return html`<h1>${status} · ${title}</h1>
    <div class="card">
      <p>${message}</p>
      <p>
        <a href="/">Overview</a> · <a href="/executions">Executions</a> · <a href="/tools">Tools</a>
      </p>
    </div>`;
}

/** The form that asks for the access token when the server is bound beyond loopback. */
export function loginBody(next: string, failed: boolean): Html {
  return html`<h1>Access token needed</h1>
    <div class="card">
      ${failed ? html`<p class="notice bad">That token is not the one this server was started with.</p>` : ''}
      <p>
        This server was started with an access token (<code>--auth-token</code> or
        <code>DENDRITE_UI_TOKEN</code>). Enter it to continue; it is kept in a cookie for this site
        only.
      </p>
      <form method="post" action="/login" class="filters">
        <input type="hidden" name="next" value="${next}" />
        <label
          >Token
          <input type="password" name="token" autocomplete="current-password" required autofocus
        /></label>
        <button class="primary" type="submit">Continue</button>
      </form>
    </div>`;
}
