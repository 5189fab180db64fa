/**
 * @module harness/conformance/container-file
 * `--image-ca-path`: one file copied out of a running container through the container API (no shell or `cat`
 * needed inside, so distroless and FROM scratch images work), checked to be a PEM certificate. A proxy image that
 * makes its own CA on first start is then trusted with one flag.
 *
 * The API hands a path out as a tar archive. Only what that archive holds for one file is read here: ustar
 * headers, PAX and GNU long-name headers skipped, then the file itself; links and directories are refused by name.
 */
import { X509Certificate } from "node:crypto";
import { UsageError } from "../common/usage-error.js";

/** Bound on the file copied out: a CA bundle is a few KiB. */
const MAX_CONTAINER_FILE_BYTES = 256 * 1024;
/** Bound on the whole copy (the container API call and reading its archive). */
const COPY_TIMEOUT_MS = 15_000;
const BLOCK = 512;

/** The tar type flags this reader names when it refuses an entry. */
const TYPE_NAMES: Record<string, string> = { "1": "a hard link", "2": "a symbolic link", "3": "a device", "4": "a device", "5": "a directory", "6": "a FIFO" };
/** Header entries that describe the next entry (PAX extended, PAX global, GNU long name / long link name). */
const META_TYPES = new Set(["x", "g", "L", "K"]);

/** Why a container file could not be had: the message names the path and says what was there. */
class ContainerFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContainerFileError";
  }
}

function field(header: Buffer, from: number, length: number): string {
  const raw = header.subarray(from, from + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString("utf8");
}

function entrySize(header: Buffer): number {
  // Base-256 sizes (first byte 0x80) only appear above 8 GiB.
  if ((header[124]! & 0x80) !== 0) throw new ContainerFileError("holds an entry too large to be a certificate");
  const text = field(header, 124, 12).trim();
  if (!/^[0-7]+$/.test(text)) throw new ContainerFileError("is not a tar archive (bad size field)");
  return parseInt(text, 8);
}

/** The content of the first regular file in a tar archive (what the container API gives for one file's path). */
export function fileFromTar(archive: Buffer): Buffer {
  let at = 0;
  while (at + BLOCK <= archive.length) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    if (!field(header, 257, 6).startsWith("ustar")) throw new ContainerFileError("is not a tar archive (no ustar header)");
    const size = entrySize(header);
    const type = String.fromCharCode(header[156]!);
    const body = at + BLOCK;
    if (META_TYPES.has(type)) {
      at = body + Math.ceil(size / BLOCK) * BLOCK;
      continue;
    }
    if (type === "0" || type === "\0" || type === "7") {
      if (body + size > archive.length) throw new ContainerFileError("came out truncated");
      return archive.subarray(body, body + size);
    }
    const link = field(header, 157, 100);
    throw new ContainerFileError(`is ${TYPE_NAMES[type] ?? `a tar entry of type ${JSON.stringify(type)}`}${link ? ` to ${link}` : ""}, not a file: give the path of the file itself`);
  }
  throw new ContainerFileError("came out as an empty archive");
}

/** Reads a stream to its end, refusing more than `limit` bytes. */
async function readBounded(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += b.length;
    if (size > limit) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw new ContainerFileError(`is larger than ${limit} bytes: not a CA certificate`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/**
 * The PEM at `path` in a running container, through `copyArchive` (testcontainers' copyArchiveFromContainer).
 * Throws UsageError (the flag names a wrong path) with what was found instead.
 */
export async function copyCertificateOut(copyArchive: (path: string) => Promise<NodeJS.ReadableStream>, path: string, flag = "--image-ca-path"): Promise<string> {
  let stream: NodeJS.ReadableStream | undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ContainerFileError(`could not be copied out within ${COPY_TIMEOUT_MS} ms`)), COPY_TIMEOUT_MS);
  });
  const copy = async () => {
    try {
      stream = await copyArchive(path);
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      throw new ContainerFileError(status === 404 ? "is not in the container" : `could not be copied out: ${(err as Error).message}`);
    }
    // Headers and padding on top of the file itself.
    const pem = fileFromTar(await readBounded(stream, MAX_CONTAINER_FILE_BYTES + 8 * BLOCK)).toString("utf8");
    try {
      new X509Certificate(pem);
    } catch {
      throw new ContainerFileError("is not a PEM certificate");
    }
    return pem;
  };
  try {
    return await Promise.race([copy(), deadline]);
  } catch (err) {
    (stream as { destroy?: () => void } | undefined)?.destroy?.();
    if (err instanceof ContainerFileError) throw new UsageError(`${flag} ${path}: ${err.message}`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
