import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RenderOptions {
  repoRoot: string;
  /** Profile folders under components/profiles/, laid over components/default/ file by file. */
  profiles: string[];
  outDir: string;
  /**
   * Component metadata values to set wherever a component declares that metadata name; a key
   * `file.yaml#name` applies to that file only.
   */
  metadata: Record<string, string>;
}

/**
 * Renders the Dapr resources folder one stack runs with: the default profile, overlaid by the
 * selected profiles (a file with the same name replaces the default one, e.g. statestore.yaml),
 * with per-stack metadata (Redis DB, file paths) set. Swapping a component is a YAML change only.
 */
export function renderResources(opts: RenderOptions): string {
  const files = new Map<string, string>();
  const addDir = (dir: string) => {
    for (const f of readdirSync(dir)) if (/\.ya?ml$/.test(f)) files.set(f, join(dir, f));
  };
  addDir(join(opts.repoRoot, 'components', 'default'));
  for (const profile of opts.profiles) {
    const dir = join(opts.repoRoot, 'components', 'profiles', profile);
    if (!existsSync(dir)) {
      const known = readdirSync(join(opts.repoRoot, 'components', 'profiles')).join(', ');
      throw new Error(`Unknown DAPR_PROFILE "${profile}". Known profiles: ${known}`);
    }
    addDir(dir);
  }
  mkdirSync(opts.outDir, { recursive: true });
  for (const [name, path] of files) {
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(opts.metadata)) {
      const [file, meta] = key.includes('#') ? key.split('#') : [name, key];
      if (file === name && meta) values[meta] = value;
    }
    writeFileSync(join(opts.outDir, name), setMetadata(readFileSync(path, 'utf8'), values));
  }
  return opts.outDir;
}

/** Sets `- name: X / value: Y` pairs in a component YAML for every X given. */
export function setMetadata(yaml: string, values: Record<string, string>): string {
  let out = yaml;
  for (const [name, value] of Object.entries(values)) {
    const re = new RegExp(`(-\\s+name:\\s*["']?${escapeRegExp(name)}["']?\\s*\\n\\s*value:\\s*).*`, 'g');
    out = out.replace(re, `$1${JSON.stringify(value)}`);
  }
  return out;
}

/** Where a stack's sidecars send spans, and the share of new traces they sample. */
export interface TracingTarget {
  /** host:port of an OTLP/HTTP receiver. */
  otlpAddress: string;
  /** 0..1; a call that arrives with a trace context follows its caller's decision. */
  sampleRate: number;
}

/**
 * Copies dapr/config.yaml with the name-resolution database pointed at this stack's own file and,
 * when the stack traces, the sampling rate and collector set (the file samples nothing by default).
 */
export function renderDaprConfig(
  repoRoot: string,
  outFile: string,
  nameResolutionDb: string,
  tracing?: TracingTarget,
): string {
  let text = readFileSync(join(repoRoot, 'dapr', 'config.yaml'), 'utf8');
  text = text.replace(/(connectionString:\s*).*/, `$1${JSON.stringify(nameResolutionDb)}`);
  if (tracing) {
    text = text
      .replace(/(samplingRate:\s*).*/, `$1${JSON.stringify(String(tracing.sampleRate))}`)
      .replace(/(endpointAddress:\s*).*/, `$1${JSON.stringify(tracing.otlpAddress)}`);
  }
  writeFileSync(outFile, text);
  return outFile;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
