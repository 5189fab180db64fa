/**
 * Real Terraform with the hashicorp/aws provider, offline: a CLI config whose `filesystem_mirror` points at a
 * directory that holds `registry.terraform.io/hashicorp/aws/…` (the machine image has one), and working
 * directories whose provider block sends KMS and EC2 calls to the local KMS on 127.0.0.1.
 *
 * Neither npm nor Debian ships Terraform, so .ci/run cannot install it: where `terraform` or the provider mirror
 * is missing, `terraformMissing()` says why and the tests skip with that reason printed, on CI too.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { scrubbedEnv } from "./cli-process.js";
import { externalToolPassSkipped } from "./real-component.js";

/** Where a provider mirror may be: $XKS_TF_PROVIDER_MIRROR first, then the usual plugin folders. */
const MIRROR_CANDIDATES = [
  process.env.XKS_TF_PROVIDER_MIRROR,
  "/opt/tf-plugins",
  join(homedir(), ".terraform.d", "plugins"),
  join(homedir(), ".local", "share", "terraform", "plugins"),
  "/usr/local/share/terraform/plugins",
  "/usr/share/terraform/plugins",
].filter((d): d is string => d !== undefined && d !== "");

/** The terraform binary on PATH ($XKS_TERRAFORM wins), or undefined. */
export function terraformBinary(): string | undefined {
  if (process.env.XKS_TERRAFORM) return existsSync(process.env.XKS_TERRAFORM) ? process.env.XKS_TERRAFORM : undefined;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "terraform");
    if (dir !== "" && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** The parent of a `registry.terraform.io` folder that holds hashicorp/aws, or undefined. */
export function providerMirror(): string | undefined {
  return MIRROR_CANDIDATES.find((dir) => {
    const aws = join(dir, "registry.terraform.io", "hashicorp", "aws");
    return existsSync(aws) && readdirSync(aws).length > 0;
  });
}

/** The hashicorp/aws versions the mirror holds, e.g. ["5.100.0"]. */
export function mirroredAwsVersions(): string[] {
  const mirror = providerMirror();
  return mirror === undefined ? [] : readdirSync(join(mirror, "registry.terraform.io", "hashicorp", "aws")).sort();
}

/** Why real Terraform cannot run here, or undefined when it can. Never throws: CI may lack it too. */
export function terraformMissing(): string | undefined {
  const thisPass = externalToolPassSkipped();
  if (thisPass !== undefined) return thisPass;
  const why: string[] = [];
  if (terraformBinary() === undefined) why.push("`terraform` is not on PATH (set XKS_TERRAFORM to use another)");
  if (providerMirror() === undefined) {
    why.push(`no hashicorp/aws provider mirror in ${MIRROR_CANDIDATES.join(", ")} (set XKS_TF_PROVIDER_MIRROR)`);
  }
  if (why.length === 0) return undefined;
  const reason = `real Terraform skipped: ${why.join("; ")}`;
  console.warn(reason);
  return reason;
}

export interface ProviderBlockOptions {
  /** The local KMS's URL, e.g. http://127.0.0.1:4599; also serves EC2 (src/ec2 is mounted on its port). */
  kmsUrl: string;
  /** @default "us-east-1" */
  region?: string;
}

/**
 * `terraform { required_providers }` plus a `provider "aws"` that talks only to the local KMS: dummy static
 * credentials and every skip_* setting that would otherwise call STS, IMDS or the real region list.
 */
export function awsProviderBlock(o: ProviderBlockOptions): string {
  return `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region                      = "${o.region ?? "us-east-1"}"
  access_key                  = "AKIDLOCALTERRAFORM"
  secret_key                  = "local-terraform-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    kms = "${o.kmsUrl}"
    ec2 = "${o.kmsUrl}"
  }
}
`;
}

export interface TerraformRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A working directory with its own CLI config; `dispose()` removes it. */
export class TerraformDir {
  readonly dir: string;
  readonly cliConfig: string;

  constructor(files: Record<string, string>) {
    const mirror = providerMirror();
    if (mirror === undefined || terraformBinary() === undefined) throw new Error(terraformMissing());
    this.dir = mkdtempSync(join(tmpdir(), "xks-tf-"));
    this.cliConfig = join(this.dir, "cli.tfrc");
    writeFileSync(
      this.cliConfig,
      `provider_installation {
  filesystem_mirror {
    path    = "${mirror}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`,
    );
    this.write(files);
  }

  /** Writes (or replaces) files in the working directory, e.g. { "main.tf": … }. */
  write(files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(this.dir, name), text);
  }

  /** `terraform <args>` in this directory, offline, no colour, no prompts, to its end (bounded by timeoutMs). */
  async run(args: string[], o: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<TerraformRun> {
    const child = spawn(terraformBinary()!, args, {
      cwd: this.dir,
      env: scrubbedEnv({
        TF_CLI_CONFIG_FILE: this.cliConfig,
        TF_IN_AUTOMATION: "1",
        TF_INPUT: "0",
        CHECKPOINT_DISABLE: "1",
        NO_COLOR: "1",
        ...o.env,
      }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 180_000);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const [code] = (await once(child, "close")) as [number | null];
    clearTimeout(timer);
    return { code, stdout, stderr };
  }

  /** Like run, but throws with Terraform's output when the exit code is not 0. */
  async ok(args: string[], o: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<TerraformRun> {
    const r = await this.run(args, o);
    if (r.code !== 0) throw new Error(`terraform ${args.join(" ")} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
    return r;
  }

  /** `terraform init` from the mirror only. */
  init(): Promise<TerraformRun> {
    return this.ok(["init", "-input=false", "-no-color"]);
  }

  /** `terraform plan -out tfplan` then `terraform show -json tfplan`: the plan JSON as text. */
  async planJson(extra: string[] = []): Promise<string> {
    await this.ok(["plan", "-input=false", "-no-color", "-out=tfplan", ...extra]);
    return (await this.ok(["show", "-json", "-no-color", "tfplan"])).stdout;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
