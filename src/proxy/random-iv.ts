/**
 * @module proxy/random-iv
 * Fresh random IVs for Encrypt, cut from a block of CSPRNG output instead of one randomBytes call each (each
 * call costs a trip into OpenSSL and a getpid system call). Every byte is handed out once, then the block is
 * refilled, so no two IVs share bytes.
 */
import { randomFillSync } from "node:crypto";

/** 4 KiB: 341 twelve-byte IVs per refill. */
const BLOCK_BYTES = 4096;

const block = Buffer.allocUnsafeSlow(BLOCK_BYTES);
let offset = BLOCK_BYTES;

export function randomIv(bytes: number): Buffer {
  if (bytes > BLOCK_BYTES) throw new RangeError(`an IV of ${bytes} bytes is larger than the random block`);
  if (offset + bytes > BLOCK_BYTES) {
    randomFillSync(block);
    offset = 0;
  }
  // A copy: the block's bytes are overwritten at the next refill, the IV must outlive that.
  const iv = Buffer.from(block.subarray(offset, offset + bytes));
  offset += bytes;
  return iv;
}
