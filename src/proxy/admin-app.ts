/**
 * @module proxy/admin-app
 * Admin HTTP API, bound to 127.0.0.1 only: fault injection at runtime and reload, and per credential when it
 * last authenticated a request (the sign that KMS switched after a rotation). Tests and the harness use it to
 * create each failure class on demand. It never shows secrets or key material. Every request needs the
 * admin token (Authorization: Bearer) and a Host naming this listener on loopback, without Origin
 * (net/local-request): one POST can turn signature checking off, so neither another local user nor a web page
 * (DNS rebinding) may send one.
 */
import express from "express";
import { z } from "zod";
import { describeIssues } from "../xks/index.js";
import { foreignRequestProblem } from "../net/local-request.js";
import type { CredentialUse } from "./admin-credential-use.js";
import { tokenMatches } from "./admin-token.js";
import type { FaultRegistry } from "./fault-registry.js";
import type { ProxyRuntime } from "./runtime.js";

interface AdminAppOptions {
  faults: FaultRegistry;
  runtime: () => ProxyRuntime;
  /** Re-reads the config file; rejects with the validation message when it is bad. */
  reload: () => Promise<void>;
  /** The bearer token every request must carry. */
  token: string;
  /** The port the admin API listens on (known once it listens): the only port a Host header may name. */
  port: () => number;
  /** When each credential last authenticated a request (the SigV4 stage records it). */
  credentialUse: CredentialUse;
}

/**
 * 403 for a request not addressed to this listener on loopback (net/local-request), 401 without the token; before
 * the body is parsed.
 */
function guard(o: AdminAppOptions): express.RequestHandler {
  return (req, res, next) => {
    const foreign = foreignRequestProblem(req.headers, { port: o.port() });
    if (foreign) {
      const fix = `Fix: call the admin API as http://127.0.0.1:${o.port()}`;
      return void res.status(403).json({ error: `${foreign}. ${fix}` });
    }
    const bearer = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? "")?.[1];
    if (bearer === undefined || !tokenMatches(bearer, o.token)) {
      res.setHeader("www-authenticate", 'Bearer realm="xks-mock admin"');
      return void res.status(401).json({ error: "the admin API needs Authorization: Bearer <token>: $XKS_MOCK_ADMIN_TOKEN, or the admin-token file named in xks-mock's banner" });
    }
    next();
  };
}

export function createAdminApp(o: AdminAppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(guard(o));
  app.use(express.json({ limit: "64kb" }));

  app.get("/keystores", (_req, res) => {
    const runtime = o.runtime();
    res.json(
      runtime.keystores.map((k) => ({
        name: k.name,
        basePath: k.basePath,
        accessKeyIds: [...k.secrets.keys()],
        credentials: [...k.secrets.keys()].map((accessKeyId) => ({
          accessKeyId,
          lastAuthenticatedAt: o.credentialUse.lastAuthenticatedAt(k.name, accessKeyId),
        })),
        regions: k.regions ?? null,
        keys: [...k.keys.values()].map((key) => ({ id: key.id, usage: [...key.usage], status: key.status })),
      })),
    );
  });

  app.get("/faults", (_req, res) => void res.json(o.faults.list()));

  app.post("/faults/:keystore", (req, res) => {
    const keystore = req.params.keystore;
    if (!o.runtime().keystores.some((k) => k.name === keystore)) return void res.status(404).json({ error: `no keystore named ${keystore}` });
    try {
      res.status(201).json(o.faults.add(keystore, req.body));
    } catch (err) {
      const message = err instanceof z.ZodError ? describeIssues(err) : (err as Error).message;
      res.status(400).json({ error: message });
    }
  });

  app.delete("/faults/:keystore/:id", (req, res) => {
    res.status(o.faults.remove(req.params.id, req.params.keystore) ? 204 : 404).end();
  });
  app.delete("/faults/:keystore", (req, res) => void res.json({ removed: o.faults.clear(req.params.keystore) }));
  app.delete("/faults", (_req, res) => void res.json({ removed: o.faults.clear() }));

  app.post("/reload", async (_req, res) => {
    try {
      await o.reload();
      res.json({ reloaded: true });
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
    }
  });

  app.use((_req, res) => void res.status(404).json({ error: "unknown admin endpoint" }));
  app.use(((err, _req, res, _next) => void res.status(400).json({ error: (err as Error).message })) as express.ErrorRequestHandler);
  return app;
}
