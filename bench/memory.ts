/**
 * `npm run bench:memory` — conversation memory through the gateway: a 200-turn conversation sent
 * to `POST /v1/chat/completions` turn by turn, each call carrying the whole history (as an OpenAI
 * client does) with `x-glyph-budget` set, so the gateway turns the older turns into pages
 * (`POST /v1/context`'s rules) and recognises the history it rendered on the previous call by the
 * hash of its message prefix: only the new tail is painted.
 *
 * The real Worker runs in workerd (wrangler dev --local) with a real runner process, in front of
 * the contract-test stand-in upstream (test/edge/gateway-stand-in.ts), which reports its own time;
 * the time the gateway adds is the client's round trip minus the stand-in's time.
 *
 * Per turn: the added time and the pages the runner painted / reused (`x-glyph-pages-rendered`,
 * `x-glyph-pages-reused`). At turns 50, 100 and 200 the same history is also sent from scratch
 * under another tenant (nothing of it stored there), which renders every page. Figures: the
 * median of the incremental calls in a window of turns around each checkpoint, against the
 * from-scratch call at the checkpoint.
 *
 * BENCH_TURNS (default 200), BENCH_PROFILE model name (default `glyph`, Glyph's GLM-4.1V),
 * BENCH_BUDGET tokens (default 1 000 000: nothing is pushed to a denser tier or dropped, so the
 * figures are about reuse alone).
 */
import { conversationTurns } from '../test/edge/conversations-turns.ts';
import { startStandIn, type StandIn } from '../test/edge/gateway-stand-in.ts';
import { startEdge, startRunner, type EdgeHandle } from '../test/edge/worker-stack.ts';
import { median } from './stats.ts';

const TURNS = Number(process.env.BENCH_TURNS ?? 200);
const MODEL = process.env.BENCH_PROFILE ?? 'glyph';
const BUDGET = Number(process.env.BENCH_BUDGET ?? 1_000_000);
const CHECKPOINTS = [50, 100, 200].filter((t) => t <= TURNS);
/** Incremental calls on each side of a checkpoint whose median is reported. */
const WINDOW = 5;

interface Call {
  turn: number;
  addedMs: number;
  /** The gateway's own Server-Timing `render` (segments stored, looked up and rendered). */
  renderMs: number;
  /** Server-Timing `deliver` (pages read and made into inline parts). */
  deliverMs: number;
  pages: number;
  rendered: number;
  reused: number;
}

function serverTiming(res: Response, metric: string): number {
  const found = new RegExp(`(?:^|,)\\s*${metric};dur=([0-9.]+)`).exec(res.headers.get('server-timing') ?? '');
  if (!found) throw new Error(`the gateway sent no Server-Timing ${metric}`);
  return Number(found[1]);
}

function header(res: Response, name: string): number {
  const value = res.headers.get(name);
  if (value === null) throw new Error(`the gateway sent no ${name} header`);
  return Number(value);
}

async function send(
  edge: EdgeHandle,
  key: string,
  standIn: StandIn,
  history: { role: string; content: string }[],
  turn: number,
): Promise<Call> {
  standIn.requests.length = 0; // page images of every call would otherwise pile up in the stand-in
  const started = performance.now();
  const res = await fetch(`${edge.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'x-upstream-authorization': 'sk-bench',
      'x-glyph-budget': String(BUDGET),
    },
    body: JSON.stringify({ model: MODEL, messages: history }),
  });
  const answer = await res.text();
  const totalMs = performance.now() - started;
  if (res.status !== 200) throw new Error(`turn ${turn}: the gateway answered ${res.status}: ${answer.slice(0, 500)}`);
  await new Promise((r) => setImmediate(r));
  const record = standIn.requests[0];
  if (!record || record.ownMs === undefined) throw new Error('the stand-in did not record the request');
  return {
    turn,
    addedMs: totalMs - record.ownMs,
    renderMs: serverTiming(res, 'render'),
    deliverMs: serverTiming(res, 'deliver'),
    pages: header(res, 'x-glyph-pages'),
    rendered: header(res, 'x-glyph-pages-rendered'),
    reused: header(res, 'x-glyph-pages-reused'),
  };
}

/** The history a client sends at turn `t` (1-based): the system prompt and `t` user/assistant turns, ending on a user turn. */
function historyAt(all: ReturnType<typeof conversationTurns>, t: number) {
  // all[0] is the system prompt; turn t ends with the t-th user message.
  return all.slice(0, 2 * t).map((m) => ({ role: m.role, content: m.content }));
}

const all = conversationTurns(2 * TURNS + 1);
const runner = await startRunner();
const standIn = await startStandIn({ fetchImages: false });
const edge = await startEdge({
  runners: [runner.url],
  vars: {
    UPSTREAM_BASE_URL: standIn.baseUrl,
    // The first call is the profile's first auto render on this runner: it waits for the fit search.
    RUNNER_TIMEOUT_MS: '240000',
  },
});
try {
  const { key } = edge.createKey('bench-memory', ['--rate-limit', '1000000']);
  const calls: Call[] = [];
  const scratch = new Map<number, Call>();
  for (let t = 1; t <= TURNS; t++) {
    const call = await send(edge, key, standIn, historyAt(all, t), t);
    calls.push(call);
    if (t % 10 === 0 || t === 1)
      console.log(
        `turn ${t}: +${call.addedMs.toFixed(0)} ms (render ${call.renderMs.toFixed(0)}, deliver ${call.deliverMs.toFixed(0)}), ${call.pages} pages, ${call.rendered} painted, ${call.reused} reused`,
      );
    if (CHECKPOINTS.includes(t)) {
      const fresh = edge.createKey(`bench-scratch-${t}`, ['--rate-limit', '1000000']).key;
      const s = await send(edge, fresh, standIn, historyAt(all, t), t);
      scratch.set(t, s);
      console.log(
        `turn ${t} from scratch: +${s.addedMs.toFixed(0)} ms (render ${s.renderMs.toFixed(0)}, deliver ${s.deliverMs.toFixed(0)}), ${s.pages} pages, ${s.rendered} painted`,
      );
    }
  }
  console.log(`\nmodel ${MODEL}, budget ${BUDGET}, ${TURNS} turns (one user + one assistant message each)`);
  console.log(
    'turn | pages | incremental (median of turns t-5..t+5): render ms, added ms, pages painted | from scratch at t: render ms, added ms, pages painted',
  );
  for (const t of CHECKPOINTS) {
    const near = calls.filter((c) => Math.abs(c.turn - t) <= WINDOW && c.turn > 1);
    const s = scratch.get(t)!;
    const m = (f: (c: Call) => number) => median(near.map(f)).toFixed(0).padStart(5);
    console.log(
      `${String(t).padStart(4)} | ${String(calls[t - 1]!.pages).padStart(5)} | ${m((c) => c.renderMs)} ms, ${m((c) => c.addedMs)} ms, ${m((c) => c.rendered)} | ${s.renderMs.toFixed(0).padStart(5)} ms, ${s.addedMs.toFixed(0).padStart(5)} ms, ${String(s.rendered).padStart(3)}`,
    );
  }
  const later = calls.slice(1);
  console.log(
    `\nall incremental calls after the first: median ${median(later.map((c) => c.addedMs)).toFixed(0)} ms added, max ${Math.max(...later.map((c) => c.rendered))} pages painted`,
  );
} finally {
  await edge.stop();
  await standIn.stop();
  await runner.stop();
}
