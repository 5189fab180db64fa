/**
 * @module harness/load/artillery/emit-processor
 * Copies the compiled processor (dist/harness/load/artillery/processor.js) and the compiled modules it imports
 * into the output directory as `.mjs` files: `processor.mjs` at the top, the rest under `lib/` in the package's
 * layout. So the SigV4 and CDIV code Artillery runs is the code our tests check, not a second copy. A module
 * that imports a package (anything but `node:` built-ins and relative files) is refused: Artillery's runners on
 * Fargate and Lambda do not have our package installed.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { packageRoot } from "../../../src/package-root.js";

/** Static `import … from "x"` and `export … from "x"` as tsc writes them (type-only imports are gone by then). */
const IMPORT = /^(import|export)\s[^;]*?\sfrom\s+"([^"]+)";|^import\s+"([^"]+)";/gm;

export const PROCESSOR_FILE = "processor.mjs";

/** Where a compiled module lands in `dir`: the entry at the top, the others under lib/ with their dist path. */
function outPath(distRoot: string, entry: string, file: string): string {
  return file === entry ? PROCESSOR_FILE : join("lib", relative(distRoot, file)).replace(/\.js$/, ".mjs");
}

/** Writes the processor and its closure into `dir`; returns the files written, relative to `dir`. */
export function emitProcessor(dir: string, distRoot = join(packageRoot(), "dist")): string[] {
  const entry = join(distRoot, "harness", "load", "artillery", "processor.js");
  const written: string[] = [];
  const queue = [entry];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const file = queue.shift()!;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      throw new Error(`${file} is missing: build the package first (npx tsc -p tsconfig.json)`);
    }
    const out = outPath(distRoot, entry, file);
    text = text.replace(/^\/\/# sourceMappingURL=.*$/m, "").replace(IMPORT, (all: string, _kind: string, from?: string, bare?: string) => {
      const spec = (from ?? bare)!;
      if (spec.startsWith("node:")) return all;
      if (!spec.startsWith(".")) throw new Error(`${relative(distRoot, file)} imports the package "${spec}": the Artillery processor may use only Node built-ins (node:…) and our own modules`);
      const target = resolve(dirname(file), spec);
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
      let rel = relative(dirname(out), outPath(distRoot, entry, target)).split(sep).join("/");
      if (!rel.startsWith(".")) rel = `./${rel}`;
      return all.replace(`"${spec}"`, `"${rel}"`);
    });
    mkdirSync(dirname(join(dir, out)), { recursive: true });
    writeFileSync(join(dir, out), text);
    written.push(out.split(sep).join("/"));
  }
  return written;
}
