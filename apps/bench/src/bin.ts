#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// WebAssembly relaxed SIMD lets the wasm backend use its fused multiply-add GEMM kernels (about
// 15 % faster). Node >= 22 has it on by default; Node 20's V8 implements it behind this flag,
// which must be set before any module is compiled, so before the CLI loads. Worker threads
// share the process's flags. Set MTRL_NO_RELAXED_SIMD=1 to keep the plain SIMD kernels.
if (process.env.MTRL_NO_RELAXED_SIMD !== '1')
  setFlagsFromString('--experimental-wasm-relaxed-simd');

const { main } = await import('./cli.js');
process.exitCode = await main(process.argv.slice(2));
