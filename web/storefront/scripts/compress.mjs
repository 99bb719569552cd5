// After `vite build`: a Brotli and a gzip copy of every text asset (JS, CSS, HTML, SVG) next to it, made
// once at build time at the highest settings, so the gateway serves them without compressing per request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = join(import.meta.dirname, '..', 'dist');
let files = 0;
let raw = 0;
let br = 0;
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (/\.(js|css|html|svg)$/.test(entry.name)) {
      const body = readFileSync(path);
      const b = brotliCompressSync(body, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
      });
      writeFileSync(`${path}.br`, b);
      writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
      files++;
      raw += statSync(path).size;
      br += b.length;
    }
  }
};
walk(dist);
console.log(`[storefront] ${files} files precompressed: ${(raw / 1024).toFixed(1)} KB → ${(br / 1024).toFixed(1)} KB brotli`);
