// A real OpenID provider for Tandem's single sign-on tests: the certified `oidc-provider` package,
// on 127.0.0.1 and a free port, with one client for Tandem and one "other" client (for tokens
// meant for someone else). Started and stopped by tests/oidc_provider/__init__.py.
//
// Environment (JSON where noted):
//   OIDC_CLIENTS   JSON list of {client_id, client_secret, redirect_uris, post_logout_redirect_uris}
//   OIDC_ACCOUNTS  JSON object: login e-mail -> {sub, email, email_verified, amr}
//   OIDC_ID_TOKEN_TTL  seconds an ID token is valid (default 3600)
//
// Prints "READY <issuer>" on one line once it listens.
import http from "node:http";
import Provider from "oidc-provider";

const clients = JSON.parse(process.env.OIDC_CLIENTS || "[]");
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || "{}");
const idTokenTtl = Number(process.env.OIDC_ID_TOKEN_TTL || 3600);

function accountBySub(sub) {
  return Object.values(accounts).find((account) => account.sub === sub);
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function page(res, status, title, body) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`);
}

const server = http.createServer();
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: clients.map((client) => ({
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
      ...client,
    })),
    // Every client must send a PKCE challenge: the tests prove that Tandem does.
    pkce: { required: () => true },
    // amr with openid, as Entra ID and Okta send it in every ID token without being asked.
    claims: { amr: null, openid: ["sub", "amr"], email: ["email", "email_verified"] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    ttl: { IdToken: idTokenTtl },
    cookies: { keys: ["tandem-tests-only-not-a-secret"] },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      const account = accountBySub(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, email: account.email, email_verified: account.email_verified };
        },
      };
    },
    // First-party client: consent is taken as given, as a trust's own identity provider does.
    async loadExistingGrant(ctx) {
      const grantId =
        ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope("openid email");
      await grant.save();
      return grant;
    },
  });
  const handle = provider.callback();

  server.on("request", async (req, res) => {
    const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(new URL(req.url, issuer).pathname);
    if (!match) return handle(req, res);
    try {
      if (req.method === "POST" && match[2]) {
        const form = await readForm(req);
        const email = (form.get("email") || "").trim().toLowerCase();
        const account = accounts[email];
        if (!account) {
          return page(res, 400, "Unknown test account", `<p>${escapeHtml(email)}</p>`);
        }
        return await provider.interactionFinished(
          req,
          res,
          { login: { accountId: account.sub, amr: account.amr || ["pwd"] } },
          { mergeWithLastSubmission: false },
        );
      }
      const details = await provider.interactionDetails(req, res);
      return page(
        res,
        200,
        "Sign in to the test provider",
        `<form method="post" action="/interaction/${escapeHtml(details.uid)}/login">
<label for="email">Account e-mail</label> <input id="email" name="email" type="email">
<button type="submit">Sign in</button></form>`,
      );
    } catch (error) {
      return page(res, 500, "Provider error", `<p>${escapeHtml(error.message)}</p>`);
    }
  });
  console.log(`READY ${issuer}`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}
