// Drives the web UI in headless Chromium as a person would: create an identity (a client with its
// own secret), wallets, orders, a bad amount, and a second identity that sees none of the first
// one's money and cannot get its token. BASE_URL is the running platform (no shared secret: every
// identity registers); SCREENSHOT_DIR receives what the browser showed.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';

const base = process.env.BASE_URL;
const shots = process.env.SCREENSHOT_DIR || 'screenshots';
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
page.setDefaultTimeout(15000);
let passed = 0;
let failed = 0;

async function step(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok - ${name}`);
  } catch (error) {
    failed++;
    console.log(`not ok - ${name}: ${error.message.split('\n')[0]}`);
    await page.screenshot({ path: `${shots}/failed-${passed + failed}.png`, fullPage: true }).catch(() => {});
  }
}

const text = (selector) => page.locator(selector).textContent();
async function waitForText(selector, expected) {
  await page.waitForFunction(([s, e]) => document.querySelector(s)?.textContent?.includes(e), [selector, expected]);
}

await page.goto(`${base}/`);

async function createIdentity(name) {
  await page.getByLabel('Name (optional)').fill(name);
  await page.getByRole('button', { name: 'Create identity and sign in' }).click();
  await page.locator('#new-credentials').waitFor({ state: 'visible' });
  await page.locator('#signed-in').waitFor({ state: 'visible' });
  const secret = (await text('#new-secret')).trim();
  if (secret.length < 43) throw new Error(`a secret of ${secret.length} characters was shown`);
  return { clientId: (await text('#principal')).trim(), secret };
}

async function signIn(clientId, secret) {
  await page.getByLabel('Client id').fill(clientId);
  await page.getByLabel('Client secret').fill(secret);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** What an operator does: the admin (its secret in the platform's data directory) grants a client funding. */
async function grantFunding(clientId) {
  const secret = readFileSync(process.env.ADMIN_SECRET_FILE, 'utf8').trim();
  const grant = await (await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: process.env.ADMIN_CLIENT_ID,
      client_secret: secret, scope: 'admin' }),
  })).json();
  const response = await fetch(`${base}/oauth/clients/${clientId}/scopes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${grant.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scopes: ['funding'] }),
  });
  if (response.status !== 200) throw new Error(`the grant answered ${response.status}: ${await response.text()}`);
}

let firstWallet;
let first;
let second;

await step('nothing works before signing in, and a made-up identity is refused', async () => {
  await page.getByRole('button', { name: 'Create wallet' }).click();
  await waitForText('#create-wallet .error', 'Sign in first');
  await signIn(crypto.randomUUID(), 'not-a-secret');
  await waitForText('#sign-in .error', 'Sign-in refused');
});

await step('create an identity: its secret is shown once and kept only in this tab', async () => {
  first = await createIdentity('first');
  if (!/^[0-9a-f-]{36}$/.test(first.clientId)) throw new Error(`signed in as ${first.clientId}`);
  const stored = await page.evaluate(() => JSON.stringify(localStorage));
  if (stored.includes(first.secret)) throw new Error('the secret is in localStorage');
  await page.screenshot({ path: `${shots}/identity.png`, fullPage: true });
});

await step('a new identity creates no money until an admin grants it funding', async () => {
  await page.locator('#no-funding').waitFor({ state: 'visible' });
  await page.getByLabel('Initial balance').first().fill('10.00');
  await page.getByRole('button', { name: 'Create wallet' }).click();
  await waitForText('#create-wallet .error', 'funding');
  await grantFunding(first.clientId);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(first.clientId, first.secret);
  await waitForText('#scopes', 'funding');
  await page.locator('#no-funding').waitFor({ state: 'hidden' });
});

await step('create a wallet, deposit and see the balance change', async () => {
  await page.getByLabel('Initial balance').first().fill('10.00');
  await page.getByRole('button', { name: 'Create wallet' }).click();
  await waitForText('#wallet-balance', '10.00');
  await page.getByLabel('Deposit').check();
  await page.locator('#operation-amount').fill('5.25');
  await page.getByRole('button', { name: 'Submit' }).click();
  await waitForText('#wallet-balance', '15.25');
  await page.locator('#operations .status-COMPLETED').first().waitFor();
  firstWallet = await page.locator('#wallet-select').inputValue();
});

await step('a withdrawal beyond the balance ends FAILED with its reason', async () => {
  await page.getByLabel('Withdraw').check();
  await page.locator('#operation-amount').fill('100.00');
  await page.getByRole('button', { name: 'Submit' }).click();
  await waitForText('#operations tbody', 'FAILED (INSUFFICIENT_FUNDS)');
  if ((await text('#wallet-balance')) !== '15.25') throw new Error('the balance changed');
  await page.screenshot({ path: `${shots}/wallets.png`, fullPage: true });
});

await step('a balance monitor is listed with whether its condition holds now', async () => {
  await page.locator('#monitor-value').fill('20.00');
  await page.locator('#monitor-note').fill('top up soon');
  await page.getByRole('button', { name: 'Add monitor' }).click();
  await waitForText('#monitors tbody', 'balance <');
  await waitForText('#monitors tbody', 'crossed');
  await waitForText('#monitors tbody', 'note: top up soon');
});

await step('open an account, top up, place an order and see it FINISHED', async () => {
  await page.locator('#account-initial').fill('500.00');
  await page.getByRole('button', { name: 'Open account' }).click();
  await waitForText('#account-balance', '500.00');
  await page.locator('#deposit-amount').fill('300.00');
  await page.getByRole('button', { name: 'Top up' }).click();
  await waitForText('#account-balance', '800.00');
  await page.locator('#order-amount').fill('200.00');
  await page.locator('#order-description').fill('A book');
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.locator('#orders .status-FINISHED').first().waitFor();
  await waitForText('#account-balance', '600.00');
  await waitForText('#transactions tbody', 'PAYMENT');
});

await step('an invalid amount shows the problem next to its form', async () => {
  await page.locator('#order-amount').fill('1.001');
  await page.getByRole('button', { name: 'Place order' }).click();
  await waitForText('#create-order .error', 'amount must have at most 2 fractional digits');
  await page.locator('#operation-amount').fill('-5');
  await page.getByRole('button', { name: 'Submit' }).click();
  await waitForText('#submit-operation .error', 'amount');
  await page.screenshot({ path: `${shots}/ui.png`, fullPage: true });
});

await step('a second identity sees none of the first one\'s wallet, account or orders', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  second = await createIdentity('second');
  if (second.clientId === first.clientId) throw new Error('the same identity again');
  if ((await page.locator('#wallet-select option').count()) !== 0) throw new Error('a wallet is listed for the new identity');
  await page.locator('#wallet-id').fill(firstWallet);
  await page.getByRole('button', { name: 'Open wallet' }).click();
  await waitForText('#open-wallet .error', 'does not exist');
  await waitForText('#account-balance', 'has no account');
  if ((await page.locator('#orders tbody tr').count()) !== 0) throw new Error('orders of the first identity are shown');
  await page.screenshot({ path: `${shots}/second-identity.png`, fullPage: true });
  // The first one's token is not the second one's to get: its id with the second's secret is refused.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(first.clientId, second.secret);
  await waitForText('#sign-in .error', 'Sign-in refused');
  // With its own secret, the first identity is back with its money.
  await page.locator('#sign-in .error').evaluate((node) => { node.textContent = ''; });
  await signIn(first.clientId, first.secret);
  await page.locator('#signed-in').waitFor({ state: 'visible' });
  await waitForText('#account-balance', '600.00');
});

await step('refund a finished order: the money comes back and the order reads REFUNDED', async () => {
  const row = page.locator('#orders tbody tr').filter({ hasText: 'A book' }).first();
  await row.getByRole('button', { name: 'Refund' }).click();
  await page.locator('#orders .status-REFUNDED').first().waitFor();
  await waitForText('#account-balance', '800.00');
  await waitForText('#transactions tbody', 'REFUND');
  await page.screenshot({ path: `${shots}/refund.png`, fullPage: true });
});

await step('hold, then capture and void from the operations table', async () => {
  await page.locator('#wallet-select').selectOption(firstWallet);
  await page.getByLabel('Hold', { exact: true }).check();
  await page.locator('#operation-amount').fill('3.00');
  await page.getByRole('button', { name: 'Submit' }).click();
  await waitForText('#wallet-held', '3.00');
  await waitForText('#wallet-available', '12.25');
  await page.locator('#operations tbody tr').filter({ hasText: 'HOLD' }).getByRole('button', { name: 'Void' }).click();
  await waitForText('#wallet-held', '0.00');
  await waitForText('#operations tbody', 'hold VOIDED');
  await page.locator('#operation-amount').fill('2.00');
  await page.getByRole('button', { name: 'Submit' }).click();
  await waitForText('#wallet-held', '2.00');
  await page.locator('#operations tbody tr').filter({ hasText: 'HOLD' }).getByRole('button', { name: 'Capture' }).click();
  await waitForText('#wallet-balance', '13.25');
  await waitForText('#wallet-held', '0.00');
});

await step('transfer to another identity\'s wallet: each sees it in its own history', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(second.clientId, second.secret);
  await page.locator('#signed-in').waitFor({ state: 'visible' });
  await page.locator('#wallet-initial').fill('0.00');
  await page.getByRole('button', { name: 'Create wallet' }).click();
  await waitForText('#wallet-balance', '0.00');
  const secondWallet = await page.locator('#wallet-select').inputValue();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(first.clientId, first.secret);
  await page.locator('#signed-in').waitFor({ state: 'visible' });
  await page.locator('#wallet-select').selectOption(firstWallet);
  await page.getByLabel('Transfer', { exact: true }).check();
  await page.locator('#operation-amount').fill('5.25');
  await page.locator('#operation-to').fill(secondWallet);
  await page.getByRole('button', { name: 'Submit' }).click();
  await waitForText('#wallet-balance', '8.00');
  await waitForText('#operations tbody', `to ${secondWallet}`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(second.clientId, second.secret);
  await page.locator('#signed-in').waitFor({ state: 'visible' });
  await waitForText('#wallet-balance', '5.25');
  await waitForText('#operations tbody', `from ${firstWallet}`);
  await page.screenshot({ path: `${shots}/transfer.png`, fullPage: true });
});

await step('add a webhook, see its deliveries arrive, and retry one that failed', async () => {
  const http = await import('node:http');
  let answer = 200;
  const received = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      received.push({ id: request.headers['webhook-id'], status: answer, body });
      response.statusCode = answer;
      response.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${server.address().port}/hook`;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(first.clientId, first.secret); // the identity that may deposit
    await page.locator('#signed-in').waitFor({ state: 'visible' });
    await page.locator('#webhook-url').fill(url);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await waitForText('#webhook-secret', 'whsec_');
    await waitForText('#webhooks tbody', url);
    await page.getByLabel('Deposit', { exact: true }).check();
    await page.locator('#operation-amount').fill('1.00');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.locator('#deliveries .status-DELIVERED').first().waitFor();
    answer = 500;
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.locator('#deliveries .status-PENDING').first().waitFor();
    await waitForText('#deliveries tbody', '500');
    answer = 200;
    await page.locator('#deliveries tbody tr').filter({ hasText: 'PENDING' }).getByRole('button', { name: 'Retry' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#deliveries .status-DELIVERED').length === 2);
    const ids = new Set(received.map((one) => one.id));
    if (ids.size !== 2) throw new Error(`${ids.size} distinct webhook-ids in ${received.length} requests`);
    if (!received.every((one) => JSON.parse(one.body).type === 'wallet.operation.completed')) {
      throw new Error('an unexpected event type arrived');
    }
    await page.screenshot({ path: `${shots}/notifications.png`, fullPage: true });
  } finally {
    server.close();
  }
});

await step('an operation with a note shows its metadata and a metadata search finds only it', async () => {
  await page.getByLabel('Deposit', { exact: true }).check();
  await page.locator('#operation-amount').fill('0.75');
  await page.locator('#operation-note').fill('rent march');
  await page.getByRole('button', { name: 'Submit' }).click();
  await waitForText('#operations tbody', 'note: rent march');
  await page.locator('#search-metadata').fill('note=rent march');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#operations tbody tr').length === 1);
  await waitForText('#operations tbody', '0.75');
  await page.screenshot({ path: `${shots}/search.png`, fullPage: true });
  await page.locator('#search-metadata').fill('');
  await page.locator('#operation-note').fill('');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#operations tbody tr').length > 1);
});

await step('Swagger UI offers the four contracts and Try it out works', async () => {
  await page.goto(`${base}/swagger/`);
  // The selector is filled once Swagger UI has read its configuration: wait for every document in it.
  await page.waitForFunction(() => document.querySelectorAll('.topbar select option').length >= 4);
  const options = await page.locator('.topbar select option').allTextContents();
  for (const name of ['wallet-api', 'payments-api', 'orders-api', 'webhooks-api']) {
    if (!options.includes(name)) throw new Error(`${name} not in ${options}`);
  }
  await page.locator('.opblock-summary-path').first().waitFor();
  await page.screenshot({ path: `${shots}/swagger.png` });
  // "Try it out" against this platform, authorized as a client registered from the token bar.
  await page.getByRole('button', { name: 'New client' }).click();
  await waitForText('#dev-token-result', 'authorized as');
  const createWallet = page.locator('.opblock-post').filter({ hasText: 'Create a wallet' });
  await createWallet.locator('.opblock-summary').click();
  await createWallet.getByRole('button', { name: 'Try it out' }).click();
  await createWallet.getByRole('button', { name: 'Execute' }).click();
  const status = await createWallet.locator('.live-responses-table tbody .response-col_status').first().textContent();
  if (!status.includes('201')) {
    const body = await createWallet.locator('.live-responses-table tbody .response-col_description').first().textContent();
    throw new Error(`Try it out answered ${status}: ${body}`);
  }
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
