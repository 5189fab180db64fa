/**
 * @module proxy/admin-app
 * Admin HTTP API, bound to 127.0.0.1 only: fault injection at runtime and reload. Tests and the harness use it
 * to create each failure class on demand. It never shows secrets or key material.
 */
import express from "express";
import { z } from "zod";
import { describeIssues } from "../xks/schemas.js";
import type { FaultRegistry } from "./fault-registry.js";
import type { ProxyRuntime } from "./runtime.js";

export interface AdminAppOptions {
  faults: FaultRegistry;
  runtime: () => ProxyRuntime;
  /** Re-reads the config file; rejects with the validation message when it is bad. */
  reload: () => Promise<void>;
}

export function createAdminApp(o: AdminAppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "64kb" }));

  app.get("/keystores", (_req, res) => {
    res.json(
      o.runtime().keystores.map((k) => ({
        name: k.name,
        basePath: k.basePath,
        accessKeyIds: [...k.secrets.keys()],
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
