/**
 * Where ONNX models run: CUDA when the image installed the CUDA execution provider and a GPU
 * answers, else CPU. onnxruntime-node's `listSupportedBackends()` lists `cuda` on every Linux x64
 * build (as "not bundled") whether or not its libraries are installed, so it cannot answer the
 * question; the only reliable test is to open a session with the CUDA provider and see whether
 * it loads. We do that once per process on a tiny built-in model (an Identity node), so the probe
 * costs milliseconds and does not depend on any model file.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

/** What the operator asked for. */
export type DeviceRequest = 'auto' | 'cpu' | 'cuda';
/** What sessions will actually run on. */
export type DeviceLabel = 'cuda' | 'cpu';

/** Options for {@link chooseExecutionProviders}. */
export interface ExecutionOptions {
  /** Intra-op threads for CPU kernels (`GLYPH_OCR_THREADS`). Default: every core. */
  threads?: number;
  /** CUDA device ordinal. Default 0. */
  cudaDeviceId?: number;
}

/** The chosen device plus ready-to-use session options (providers included). */
export interface ExecutionChoice {
  /** Device the sessions run on; report it at start and in `/readyz`. */
  device: DeviceLabel;
  /** Providers in priority order (CUDA keeps CPU as the fallback for kernels it lacks). */
  executionProviders: ort.InferenceSession.ExecutionProviderConfig[];
  /** Session options to pass to `InferenceSession.create`. */
  sessionOptions: ort.InferenceSession.SessionOptions;
  /** Intra-op thread count in the options. */
  threads: number;
  /** Why CUDA was not used when `auto` fell back to CPU (for the start-up log). */
  fallbackReason?: string;
  /**
   * On CPU, exactly why CUDA is not in use: CPU was asked for (`GLYPH_DEVICE=cpu`), the CUDA
   * execution provider's libraries are not installed, or the provider failed to load (its error).
   * For the start-up log and `/readyz`.
   */
  cpuReason?: string;
}

/** {@link ExecutionChoice.cpuReason} when CPU was asked for. */
export const CPU_REQUESTED = 'GLYPH_DEVICE=cpu: the CPU was asked for, CUDA was not tried';

/** Thrown when `cuda` was requested explicitly and the CUDA execution provider cannot start. */
export class CudaUnavailableError extends Error {
  /** Stable code for logs and error bodies. */
  readonly code = 'cuda_unavailable';
  constructor(reason: string) {
    super(
      `CUDA execution provider is unavailable: ${reason}. ` +
        'Install onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12 on a host with an NVIDIA driver, ' +
        "or run with device 'cpu' or 'auto'.",
    );
    this.name = 'CudaUnavailableError';
  }
}

/** Picks providers for `device`: `auto` tries CUDA then CPU; `cuda` throws {@link CudaUnavailableError} when CUDA cannot start. */
export async function chooseExecutionProviders(
  device: DeviceRequest,
  options: ExecutionOptions = {},
): Promise<ExecutionChoice> {
  const threads = options.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    // Sequential: the recognizer is essentially one chain of convolutions and attention, so an
    // inter-op pool has little to overlap; on 2 cores 'parallel' measured no faster and burned
    // more CPU. All threads go to intra-op parallelism instead.
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
  if (device === 'cpu') return { ...cpuChoice(base, threads), cpuReason: CPU_REQUESTED };
  if (device !== 'auto' && device !== 'cuda')
    throw new RangeError(`device must be auto, cpu or cuda, got "${String(device)}"`);

  const deviceId = options.cudaDeviceId ?? 0;
  const failure = await probeCuda(deviceId);
  if (failure === undefined) {
    const executionProviders: ort.InferenceSession.ExecutionProviderConfig[] = [{ name: 'cuda', deviceId }, 'cpu'];
    return { device: 'cuda', executionProviders, sessionOptions: { ...base, executionProviders }, threads };
  }
  if (device === 'cuda') throw new CudaUnavailableError(failure);
  return {
    ...cpuChoice(base, threads),
    fallbackReason: failure,
    cpuReason: `GLYPH_DEVICE=auto fell back to CPU: ${failure}`,
  };
}

function cpuChoice(base: ort.InferenceSession.SessionOptions, threads: number): ExecutionChoice {
  const executionProviders: ort.InferenceSession.ExecutionProviderConfig[] = ['cpu'];
  return { device: 'cpu', executionProviders, sessionOptions: { ...base, executionProviders }, threads };
}

// One probe per device per process: loading the CUDA provider is slow and its answer does not change.
const probes = new Map<number, Promise<string | undefined>>();

/** Resolves to undefined when a CUDA session opens, else to the reason it did not. */
export function probeCuda(deviceId = 0): Promise<string | undefined> {
  let p = probes.get(deviceId);
  if (!p) {
    p = (async () => {
      // Without the provider libraries the answer is known, and asking ORT would print a red error.
      const missing = cudaLibraryProblem();
      if (missing) return missing;
      const error = await tryOpenSession([{ name: 'cuda', deviceId }]);
      return error === undefined ? undefined : `the CUDA execution provider did not load: ${error}`;
    })();
    probes.set(deviceId, p);
  }
  return p;
}

/** Opens a session on a built-in one-node model with these providers: undefined on success, else the error's first line. */
export async function tryOpenSession(
  executionProviders: ort.InferenceSession.ExecutionProviderConfig[],
): Promise<string | undefined> {
  try {
    const session = await ort.InferenceSession.create(identityModel(), { executionProviders, logSeverityLevel: 4 });
    await session.release();
    return undefined;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return message
      .split('\n')[0]
      .replace(/\u001b\[[0-9;]*m/g, '')
      .slice(0, 300);
  }
}

/** Why CUDA cannot work without asking ORT (no provider library, unsupported platform), else undefined. */
function cudaLibraryProblem(): string | undefined {
  if (process.platform !== 'linux' && process.platform !== 'win32') {
    return `onnxruntime-node has no CUDA provider for ${process.platform}`;
  }
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  try {
    const dist = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
    const dir = path.join(dist, '..', 'bin', 'napi-v6', process.platform, process.arch);
    // Only conclusive when the binding directory is where this layout puts it; otherwise let ORT decide.
    if (!fs.existsSync(dir)) return undefined;
    if (fs.existsSync(path.join(dir, lib))) return undefined;
    return (
      `the CUDA execution provider is not installed: no ${lib} in ${dir} ` +
      '(install it with ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install; the image does)'
    );
  } catch {
    return undefined;
  }
}

/**
 * A serialized ONNX model with one Identity node on a float[1] tensor (IR 7, opset 13), written
 * with a few lines of protobuf encoding rather than shipped as a file.
 */
function identityModel(): Uint8Array {
  // ValueInfoProto{name, type: TypeProto{tensor_type{elem_type: FLOAT, shape{dim{dim_value: 1}}}}}
  const valueInfo = (name: string): Uint8Array =>
    concat(str(1, name), field(2, field(1, varintField(1, 1), field(2, field(1, varintField(1, 1))))));
  const node = field(1, str(1, 'x'), str(2, 'y'), str(4, 'Identity'));
  const graph = field(7, node, str(2, 'probe'), field(11, valueInfo('x')), field(12, valueInfo('y')));
  // ModelProto{ir_version: 7, opset_import{version: 13}, graph}
  return concat(varintField(1, 7), field(8, varintField(2, 13)), graph);
}

// Protobuf wire format helpers: enough for the probe model (varints and length-delimited fields).
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
function varintField(fieldNo: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(fieldNo << 3), ...varint(value)]);
}
function field(fieldNo: number, ...parts: Uint8Array[]): Uint8Array {
  const payload = concat(...parts);
  return concat(Uint8Array.from([...varint((fieldNo << 3) | 2), ...varint(payload.length)]), payload);
}
function str(fieldNo: number, s: string): Uint8Array {
  return field(fieldNo, new TextEncoder().encode(s));
}
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
