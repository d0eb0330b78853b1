import { LineRecognizer } from './recognizer.ts';
import { renderSampleLine } from './sample-line.ts';
const t = 'It is a truth universally acknowledged, that a single man in possession';
const line = renderSampleLine(t);
const rec = await LineRecognizer.load({ device: 'cpu' });
console.log(rec.inputWidth(line), line.box);
await rec.recognize([line]);
for (let i = 0; i < 5; i++) { const t0 = performance.now(); await rec.recognize([line]); console.log('b1', (performance.now() - t0).toFixed(0)); }
const eight = Array(8).fill(line);
for (let i = 0; i < 3; i++) { const t0 = performance.now(); await rec.recognize(eight); console.log('b8 per line', ((performance.now() - t0)/8).toFixed(0)); }
