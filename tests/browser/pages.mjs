// Drives Debian's Chromium (playwright-core, headless, no browser download) through the web
// front end of a running `ferry serve` that serves examples/flight_delays with the async API:
// the model list, the form answered both ways (sync and as a request), per-field errors, the
// keyboard path, and the stored results page. Saves a screenshot of each page.
//
// usage: node pages.mjs BASE_URL SCREENSHOT_DIR DAY
//   DAY (YYYY-MM-DD, UTC) is a day on which the caller stored results through the async API.
// Exits 0 when every check passed; prints each failure and exits 1 otherwise.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const [base, shots, day] = process.argv.slice(2);
if (!base || !shots || !day) {
  console.error('usage: node pages.mjs BASE_URL SCREENSHOT_DIR DAY');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const MODEL = 'flight_delays';
const LABELS = ['Early (15+ Minutes Early)', 'Slightly Early (0-15 Minute Early)',
                'Slightly Late (0-30 Minute Delay)', 'Very Late (30+ Minutes Late)'];
const FLIGHT = { DepDelay: '5', Carrier: 'AA', FlightDate: '2016-12-23', Origin: 'ATL',
                 Dest: 'SFO', FlightNum: '1519' };

// What the sync API answers for the flight, asked without the browser.
async function expectedAnswer(fields) {
  const response = await fetch(`${base}/v1/models/${MODEL}/predict`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(fields),
  });
  assert.equal(response.status, 200);
  return (await response.json()).predictions[0];
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'],
});
const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
const page = await context.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
// Chromium logs every 4xx answer as a console error; the tests ask for some on purpose.
page.on('console', (m) => {
  if (m.type() !== 'error' || /^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) return;
  problems.push(`console error: ${m.text()}`);
});
// Nothing may come from anywhere but the server: no CDN, works offline.
const origin = new URL(base).origin;
await page.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith(origin)) return route.continue();
  problems.push(`the page fetched an outside resource: ${url}`);
  return route.abort();
});

async function fillFlight(fields) {
  for (const [name, value] of Object.entries(fields)) {
    await page.getByLabel(name, { exact: false }).first().fill(value);
  }
}

const steps = [];
function step(name, fn) { steps.push([name, fn]); }

step('the model list shows the model, its version and health', async () => {
  const response = await page.goto(base + '/');
  assert.match(response.headers()['content-type'], /^text\/html/);
  await page.getByRole('heading', { name: 'Models' }).waitFor();
  const row = page.getByRole('row').filter({ hasText: MODEL });
  assert.match(await row.innerText(), /1\s+READY/);
  await page.screenshot({ path: path.join(shots, 'index.png'), fullPage: true });
  await row.getByRole('link', { name: MODEL }).click();
  await page.waitForURL(`**/models/${MODEL}`);
});

step('the form has a labelled control per input, with rules and defaults', async () => {
  await page.goto(`${base}/models/${MODEL}`);
  for (const name of Object.keys(FLIGHT)) {
    assert.equal(await page.getByLabel(name, { exact: false }).count(), 1, `control for ${name}`);
  }
  const delay = page.getByLabel('DepDelay', { exact: false });
  assert.equal(await delay.getAttribute('type'), 'number');
  assert.equal(await delay.getAttribute('max'), '1500');
  assert.equal(await page.getByLabel('FlightDate', { exact: false }).getAttribute('type'), 'date');
  await page.getByText('two-letter airline code').waitFor();
});

step('"Predict now" shows the decoded answer and probabilities inline', async () => {
  const expected = await expectedAnswer(FLIGHT);
  assert.ok(LABELS.includes(expected.delay_class));
  await fillFlight(FLIGHT);
  await page.getByRole('button', { name: 'Predict now' }).click();
  await page.locator('#answer-value').filter({ hasText: expected.delay_class }).waitFor();
  const rows = page.locator('table.probs tbody tr');
  assert.equal(await rows.count(), 4);
  const chosen = await page.locator('table.probs tr.chosen th').innerText();
  assert.equal(chosen, expected.delay_class);
  await page.getByText('Predicted now by flight_delays version 1').waitFor();
  await page.screenshot({ path: path.join(shots, 'model-predict-now.png'), fullPage: true });
});

step('"Submit as request" shows Processing..., then the same answer', async () => {
  const expected = await expectedAnswer(FLIGHT);
  await page.goto(`${base}/models/${MODEL}`);
  await fillFlight(FLIGHT);
  await page.getByRole('button', { name: 'Submit as request' }).click();
  await page.getByText('Processing...').waitFor({ timeout: 5000 });
  await page.screenshot({ path: path.join(shots, 'model-processing.png'), fullPage: true });
  await page.locator('#answer-value').filter({ hasText: expected.delay_class })
      .waitFor({ timeout: 30000 });
  await page.getByText(/^Request [0-9a-f-]{36}, scored by flight_delays version 1\.$/).waitFor();
  assert.equal(await page.getByText('Processing...').count(), 0);
  await page.screenshot({ path: path.join(shots, 'model-request-answered.png'), fullPage: true });
});

// Sends the flight with one field changed by pressing `button`; the error must appear under
// that field only, which is marked invalid and focused.
async function expectFieldError(button, field, value, message) {
  await page.goto(`${base}/models/${MODEL}`);
  await fillFlight({ ...FLIGHT, [field]: value });
  await page.getByRole('button', { name: button }).click();
  const box = page.locator(`.field[data-field="${field}"]`);
  await box.locator('.error').filter({ hasText: message }).waitFor();
  assert.equal(await box.locator('input').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.name), field);
  assert.equal(await page.locator('.field.invalid').count(), 1);
  assert.equal(await page.getByText('Processing...').count(), 0);
}

step('a value out of range is reported next to its field (sync)', async () => {
  await expectFieldError('Predict now', 'DepDelay', '5000', '5000 is above the maximum 1500');
  await page.screenshot({ path: path.join(shots, 'model-field-error.png'), fullPage: true });
});

step('a bad value is reported next to its field (async), and clears once fixed', async () => {
  await expectFieldError('Submit as request', 'Carrier', 'xyz', 'does not match');
  await page.getByLabel('Carrier', { exact: false }).fill('AA');
  await page.getByRole('button', { name: 'Predict now' }).click();
  await page.locator('#answer-value').waitFor();
  assert.equal(await page.locator('.field.invalid').count(), 0);
});

step('the form works from the keyboard: Enter in a field predicts now', async () => {
  const expected = await expectedAnswer(FLIGHT);
  await page.goto(`${base}/models/${MODEL}`);
  await fillFlight(FLIGHT);
  await page.getByLabel('Dest', { exact: false }).focus();
  await page.keyboard.press('Enter');
  await page.locator('#answer-value').filter({ hasText: expected.delay_class }).waitFor();
  await page.getByLabel('Origin', { exact: false }).focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'Dest');
});

step('the results page lists the stored requests of a day with decoded labels', async () => {
  await page.goto(`${base}/models/${MODEL}/batch`);
  await page.getByLabel('From', { exact: true }).fill(day);
  await page.getByLabel('To', { exact: true }).fill(day);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/from=/);
  const rows = page.locator('#batch-results tbody tr');
  await rows.first().waitFor();
  const n = await rows.count();
  assert.ok(n >= 3, `expected the seeded results, found ${n} rows`);
  for (let i = 0; i < n; ++i) {
    const label = (await rows.nth(i).locator('td').nth(2).innerText()).trim();
    assert.ok(LABELS.includes(label), `row ${i + 1}: '${label}' is not a decoded label`);
    assert.match(await rows.nth(i).locator('td').nth(3).innerText(), /^\d+\.\d%$/);
  }
  assert.match(await page.locator('#batch-summary').innerText(), new RegExp(`^${n} results from ${day} to ${day}`));
  await page.screenshot({ path: path.join(shots, 'batch.png'), fullPage: true });
  await page.goto(`${base}/models/${MODEL}/batch?from=2001-01-01&to=2001-01-02`);
  assert.match(await page.locator('#batch-summary').innerText(), /^0 results/);
  const bad = await page.goto(`${base}/models/${MODEL}/batch?from=2001-01-01&to=yesterday`);
  assert.equal(bad.status(), 400);
  await page.getByRole('alert').filter({ hasText: 'not a day as YYYY-MM-DD' }).waitFor();
});

step('an unknown model gets an HTML 404 page that names what is served', async () => {
  const response = await page.goto(`${base}/models/no_such_model`);
  assert.equal(response.status(), 404);
  await page.getByRole('alert').filter({ hasText: 'served: flight_delays' }).waitFor();
});

let failed = 0;
for (const [name, fn] of steps) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL ${name}\n     ${String(e.stack || e).split('\n').slice(0, 6).join('\n     ')}`);
    await page.screenshot({ path: path.join(shots, `failure-${failed}.png`), fullPage: true })
        .catch(() => {});
  }
}
for (const p of problems) console.log(`FAIL ${p}`);
await browser.close();
console.log(`${steps.length - failed} of ${steps.length} browser checks passed; screenshots in ${shots}`);
process.exit(failed || problems.length ? 1 : 0);
