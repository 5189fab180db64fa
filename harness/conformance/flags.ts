/**
 * @module harness/conformance/flags
 * What `xks-harness conformance` parses its flags into. A module of its own: command.ts and container.ts
 * (the `--image*` flags) both read it, and neither imports the other for it.
 */
import type { ConnectionFlagValues } from "../common/connection-flags.js";
import type { ReportFlagValues } from "../common/report-flags.js";

export interface ConformanceFlags extends ConnectionFlagValues, ReportFlagValues {
  encryptOnlyKeyId?: string;
  decryptOnlyKeyId?: string;
  impotentKeyId?: string;
  disabledKeyId?: string;
  secondAccessKeyId?: string;
  clientCaCert?: string;
  clientCaKey?: string;
  image?: string;
  imagePort: number;
  imageEnv: string[];
  imageConfig?: string;
  imageConfigPath: string;
  imageFile: string[];
  imageCaPath?: string;
  verbose: boolean;
}
