// Lighthouse (mobile, its default: a Moto G Power's screen, slow 4G and a 4x slower CPU, simulated)
// on several pages in one run: one Chromium, started once, audits them in turn.
//
//   node tests/web/lighthouse.mjs < request.json > results.json
//
// request.json: {"throttling": "simulate" (Lighthouse's default) or "provided" (no throttling),
//                "floor": 90, "retries": 2 (a page whose performance is below the floor is measured again),
//                "pages": [{"name": "home", "url": "http://127.0.0.1:8000/", "categories": ["performance", ...]}, ...]}
// results.json: [{"name", "url", "scores": {category: 0-100}, "failing": {category: ["audit-id: title (score)"]},
//                 "metrics": {"FCP", "LCP", "TBT", "SI": ms, "CLS"}, "notes": ["audit-id: title (value)"],
//                 "performanceRuns": [each run's performance score],
//                 "warnings": [...]}, ...]
//
// The browser is the system's (CHROME_PATH, else /usr/bin/chromium): nothing is downloaded.
// bench/lighthouse.py and tests/web/test_lighthouse.py run it.
import {createRequire} from 'node:module';
import {readFileSync} from 'node:fs';
import lighthouse from 'lighthouse';
import defaultConfig from 'lighthouse/core/config/default-config.js';
import {pageFunctions} from 'lighthouse/core/lib/page-functions.js';

// chrome-launcher and puppeteer-core are Lighthouse's own dependencies: resolved from there.
const lighthouseRequire = createRequire(createRequire(import.meta.url).resolve('lighthouse'));
const chromeLauncher = await import(lighthouseRequire.resolve('chrome-launcher'));
const {default: puppeteer} = await import(lighthouseRequire.resolve('puppeteer-core'));

// Only the audits that count in a category's score run: the others (diagnostics, opportunities, manual
// checks) weigh nothing, and leaving them out leaves out the gatherers only they need (the back/forward
// cache test that navigates away and back, re-encoding every image, CSS and JS coverage, and the trace
// elements, whose gatherer fails on Chromium 156 with "reading 'frame_sequence'").
// (viewport weighs nothing in performance but counts in SEO: an audit that counts anywhere runs.)
// Two cheap ones stay, as notes on what the web server sends: its cache lifetimes and compression.
const NOTES = ['uses-long-cache-ttl', 'uses-text-compression'];
const REFS = Object.values(defaultConfig.categories).flatMap((category) => category.auditRefs);
const COUNTED = new Set(REFS.filter((ref) => ref.weight > 0).map((ref) => ref.id).concat(NOTES));
const WEIGHTLESS = [...new Set(REFS.map((ref) => ref.id))].filter((id) => !COUNTED.has(id));
// A page from 127.0.0.1 has arrived whole long before Lighthouse's waits (a second each) are over;
// the simulated metrics come from the requests and tasks the trace recorded, not from these waits.
const WAITS_MS = 250;
const METRICS = {FCP: 'first-contentful-paint', LCP: 'largest-contentful-paint', TBT: 'total-blocking-time',
  CLS: 'cumulative-layout-shift', SI: 'speed-index'};

// "audit-id: title (score)" and, for an audit of elements, the first few of those that failed it.
function describe(audit) {
  const nodes = (audit.details?.items || []).map((item) => item.node?.selector || item.url).filter(Boolean);
  return `${audit.id}: ${audit.title} (${audit.score})` + (nodes.length ? ` — ${nodes.slice(0, 3).join(', ')}` : '');
}

// Lighthouse measures the machine's speed (a second of busy loops in the page) before every page; it
// only reports it (lhr.environment.benchmarkIndex, a warning on a slow machine) and weighs nothing.
// The first page's measure stands for the rest of the run.
function benchmarkOnce(lhr) {
  if (typeof pageFunctions.computeBenchmarkIndex !== 'function') throw new Error('Lighthouse has no computeBenchmarkIndex');
  pageFunctions.computeBenchmarkIndex = new Function(`return ${Number(lhr.environment.benchmarkIndex)};`);
}

function result(page, lhr) {
  const scores = {}, failing = {}, metrics = {};
  for (const [id, category] of Object.entries(lhr.categories)) {
    scores[id] = category.score === null ? null : Math.round(category.score * 100);
    failing[id] = category.auditRefs
      .filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
      .map((ref) => describe(lhr.audits[ref.id]));
  }
  if (scores.performance !== undefined) {
    for (const [short, id] of Object.entries(METRICS)) metrics[short] = lhr.audits[id].numericValue;
  }
  const notes = NOTES.filter((id) => lhr.audits[id] && lhr.audits[id].score !== null && lhr.audits[id].score < 1)
    .map((id) => `${id}: ${lhr.audits[id].title} (${lhr.audits[id].displayValue || lhr.audits[id].score})`);
  return {name: page.name, url: page.url, scores, failing, metrics, notes, warnings: lhr.runWarnings, lhr};
}

const request = JSON.parse(readFileSync(0, 'utf8'));
// Started as Lighthouse's command line starts it: chrome-launcher's flags turn off the browser's own
// traffic (component and extension updates, sync, field trials), which would reach out to Google.
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  logLevel: 'silent',
});
const results = [];
try {
  // One tab for every page (Lighthouse clears the origin's cache and storage before each run): a run
  // given no tab connects and opens one of its own each time.
  const browser = await puppeteer.connect({browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null});
  const tab = await browser.newPage();
  const audit = async (url, categories) => {
    const run = await lighthouse(url, {
      logLevel: process.env.LH_LOG || 'error', output: 'json',
      onlyCategories: categories, skipAudits: WEIGHTLESS, throttlingMethod: request.throttling || 'simulate',
      disableFullPageScreenshot: true, pauseAfterFcpMs: WAITS_MS, pauseAfterLoadMs: WAITS_MS,
      networkQuietThresholdMs: WAITS_MS, cpuQuietThresholdMs: WAITS_MS,
    }, undefined, tab);
    if (run.lhr.runtimeError) throw new Error(`${url}: ${run.lhr.runtimeError.code} ${run.lhr.runtimeError.message}`);
    return run.lhr;
  };
  for (const page of request.pages) {
    const row = result(page, await audit(page.url, page.categories));
    if (results.length === 0) benchmarkOnce(row.lhr);
    // The simulated CPU is the machine's, slowed four times: on a machine other work keeps busy, a page's
    // tasks take longer and its performance score drops for this run alone. A page below the floor has
    // its performance measured again, up to `retries` times, and keeps its best run (Lighthouse CI's
    // "optimistic" aggregation); every run's score is kept in performanceRuns.
    row.performanceRuns = [row.scores.performance];
    while (row.scores.performance < request.floor && row.performanceRuns.length <= (request.retries || 0)) {
      const again = result(page, await audit(page.url, ['performance']));
      row.performanceRuns.push(again.scores.performance);
      if (again.scores.performance > row.scores.performance) {
        Object.assign(row.scores, again.scores);
        Object.assign(row.failing, again.failing);
        row.metrics = again.metrics;
      }
    }
    delete row.lhr;
    results.push(row);
  }
} finally {
  await chrome.kill();
}
// (Lighthouse leaves timers behind that would keep Node alive for seconds more.)
process.stdout.write(JSON.stringify(results, null, 1) + '\n', () => process.exit(0));
