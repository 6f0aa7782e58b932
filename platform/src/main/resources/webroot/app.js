'use strict';
// A small client of the three APIs. Amounts are sent as the decimal text the user typed (the
// server parses them exactly) and shown as the server wrote them.

// Every API call carries the signed-in identity's bearer token; what an identity created (its
// wallets) is remembered per identity, and the server shows nobody else's. The identity's secret
// and token live in sessionStorage (this tab, until sign-out), never in localStorage.

const session = JSON.parse(sessionStorage.getItem('session') || 'null');
const state = {
  subject: session ? session.subject : null,
  token: session ? session.token : null,
  scope: session ? session.scope : null,
  wallets: [],
};

const $ = (selector) => document.querySelector(selector);

async function call(method, path, body, headers = {}) {
  if (!state.token) throw new Error('Sign in first.');
  const options = { method, headers: { ...headers, authorization: `Bearer ${state.token}` } };
  if (body !== undefined) {
    options.headers['content-type'] = 'application/json';
    options.body = body;
  }
  const response = await fetch(path, options);
  if (response.status === 401) signOut();
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error(describe(data, response.status));
    error.problem = data;
    throw error;
  }
  return data;
}

function describe(problem, status) {
  if (!problem || !problem.title) return `Request failed (${status})`;
  const lines = [`${problem.title}: ${problem.detail || ''}`.trim()];
  for (const e of problem.errors || []) lines.push(`• ${e.field} ${e.message}`);
  return lines.join('\n');
}

/** Sends an amount as typed, exactly: the JSON number is the user's own decimal text. */
function amountJson(text) {
  const trimmed = String(text).trim();
  return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(trimmed) ? trimmed : JSON.stringify(trimmed);
}

function bind(formId, action) {
  const form = document.getElementById(formId);
  const error = form.querySelector('.error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      await action(new FormData(form));
    } catch (e) {
      error.textContent = e.message;
    } finally {
      button.disabled = false;
    }
  });
}

function remember(key, list, value) {
  if (!list.includes(value)) list.unshift(value);
  localStorage.setItem(key, JSON.stringify(list.slice(0, 20)));
}

function fillSelect(select, values, selected) {
  select.innerHTML = '';
  for (const value of values) {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = value;
    select.appendChild(option);
  }
  if (selected) select.value = selected;
}

/**
 * Replaces a table's rows; toCells gives each item's cells as text, [text, className], or a DOM node
 * (buttons). A table whose rows did not change is left alone, so a button is not replaced under the
 * pointer by the live refresh.
 */
function renderRows(selector, items, toCells) {
  const body = $(selector);
  const rows = items.map(toCells);
  const signature = JSON.stringify(rows.map((cells) => cells.map((cell) => (cell instanceof Node ? cell.dataset.key : cell))));
  if (body.dataset.signature === signature) return;
  body.dataset.signature = signature;
  body.innerHTML = '';
  for (const cells of rows) {
    const row = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement('td');
      if (cell instanceof Node) {
        td.appendChild(cell);
      } else {
        const [text, className] = Array.isArray(cell) ? cell : [cell];
        td.textContent = text;
        if (className) td.className = className;
      }
      row.appendChild(td);
    }
    body.appendChild(row);
  }
}

/** Buttons in a table cell; each runs its action and shows a failure in errorSelector. */
function actions(key, errorSelector, buttons) {
  const span = document.createElement('span');
  span.dataset.key = key;
  for (const [label, action] of buttons) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.addEventListener('click', async () => {
      $(errorSelector).textContent = '';
      button.disabled = true;
      try {
        await action();
      } catch (e) {
        $(errorSelector).textContent = e.message;
      } finally {
        button.disabled = false;
      }
    });
    span.appendChild(button);
  }
  return span;
}

function status(item) {
  return [item.failureReason ? `${item.status} (${item.failureReason})` : item.status, `status status-${item.status}`];
}

function money(value) {
  return value === null || value === undefined ? '—' : Number(value).toFixed(2);
}

function time(value) {
  return value ? new Date(value).toLocaleTimeString() : '—';
}

// Identity --------------------------------------------------------------------------------------

function walletsKey() {
  return `wallets:${state.subject}`;
}

function showIdentity() {
  const signedIn = Boolean(state.token);
  $('#sign-in').hidden = signedIn;
  $('#signed-in').hidden = !signedIn;
  $('#principal').textContent = state.subject || '';
  $('#scopes').textContent = state.scope || '';
  $('#no-funding').hidden = !signedIn || (state.scope || '').split(' ').includes('funding');
  $('#account-id').textContent = state.subject || '—';
  state.wallets = signedIn ? JSON.parse(localStorage.getItem(walletsKey()) || '[]') : [];
  fillSelect($('#wallet-select'), state.wallets, state.wallets[0]);
  $('#register').hidden = signedIn;
  for (const id of ['#wallet-balance', '#wallet-version', '#wallet-held', '#wallet-available', '#account-balance']) {
    $(id).textContent = '—';
  }
  for (const id of ['#operations tbody', '#orders tbody', '#transactions tbody', '#webhooks tbody', '#deliveries tbody', '#monitors tbody']) {
    $(id).innerHTML = '';
    delete $(id).dataset.signature;
  }
  for (const error of document.querySelectorAll('.error')) error.textContent = '';
  $('#webhook-select').innerHTML = '';
  delete $('#webhook-select').dataset.ids;
  $('#webhook-secret').textContent = '';
  $('#webhook-secret-note').hidden = true;
}

function signOut() {
  state.token = null;
  state.subject = null;
  state.scope = null;
  sessionStorage.removeItem('session');
  $('#new-credentials').hidden = true;
  $('#new-secret').textContent = '';
  showIdentity();
}

$('#sign-out').addEventListener('click', signOut);

$('#revoke').addEventListener('click', async () => {
  if (!confirm('Delete this identity? Its secret and tokens stop working; its money stays where it is.')) return;
  const response = await fetch(`/oauth/clients/${state.subject}`,
    { method: 'DELETE', headers: { authorization: `Bearer ${state.token}` } });
  if (response.status === 204) signOut();
  else $('#signed-in .error').textContent = `Not deleted: ${response.status}`;
});

async function signIn(clientId, secret) {
  const response = await fetch('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
  });
  const grant = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`Sign-in refused: ${grant.error_description || grant.error || grant.detail || response.status}`);
  state.subject = clientId;
  state.token = grant.access_token;
  state.scope = grant.scope;
  sessionStorage.setItem('session', JSON.stringify({ subject: clientId, token: grant.access_token, scope: grant.scope }));
  showIdentity();
  await Promise.all([refreshWallet(), refreshAccount(), refreshWebhooks()]);
}

bind('register', async (form) => {
  const name = form.get('name').trim();
  const response = await fetch('/oauth/clients', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(name ? { name } : {}),
  });
  const client = await response.json().catch(() => ({}));
  if (response.status !== 201) throw new Error(`Not created: ${client.detail || response.status}`);
  $('#new-secret').textContent = client.clientSecret;
  $('#new-credentials').hidden = false;
  await signIn(client.clientId, client.clientSecret);
});

bind('sign-in', async (form) => {
  await signIn(form.get('clientId').trim(), form.get('secret'));
  form.delete('secret');
  $('#client-secret').value = '';
});

// Wallets ---------------------------------------------------------------------------------------

const pendingOperations = new Map();

bind('create-wallet', async (form) => {
  const wallet = await call('POST', '/api/v1/wallets', `{"initialBalance": ${amountJson(form.get('initialBalance'))}}`);
  remember(walletsKey(), state.wallets, wallet.walletId);
  fillSelect($('#wallet-select'), state.wallets, wallet.walletId);
  await refreshWallet();
});

bind('open-wallet', async (form) => {
  const walletId = String(form.get('walletId')).trim();
  const wallet = await call('GET', `/api/v1/wallets/${encodeURIComponent(walletId)}`);
  remember(walletsKey(), state.wallets, wallet.walletId);
  fillSelect($('#wallet-select'), state.wallets, wallet.walletId);
  await refreshWallet();
});

bind('submit-operation', async (form) => {
  const walletId = $('#wallet-select').value;
  if (!walletId) throw new Error('Create or select a wallet first.');
  const type = form.get('operationType');
  const to = String(form.get('toWalletId') || '').trim();
  const extra = type === 'TRANSFER' ? `, "toWalletId": ${JSON.stringify(to)}` : '';
  const note = String(form.get('note') || '');
  const metadata = note ? `, "metadata": ${JSON.stringify({ note })}` : '';
  await submitOperation(walletId, `"operationType": "${type}", "amount": ${amountJson(form.get('amount'))}${extra}${metadata}`);
});

/** Submits an operation of the wallet with a fresh operationId (members given as JSON text, amounts exact). */
async function submitOperation(walletId, members) {
  const body = `{"walletId": "${walletId}", ${members}, "operationId": "${crypto.randomUUID()}"}`;
  const operation = await call('POST', '/api/v1/wallet', body);
  pendingOperations.set(operation.operationId, operation);
  await refreshWallet();
}

/** Metadata as one line of text: "name: value, ...". */
function metadataText(metadata) {
  return Object.entries(metadata || {}).map(([key, value]) => `${key}: ${value}`).join(', ');
}

/** The list's query for the search form: the type and one metadata[name]=value, each when given. */
function operationSearch() {
  const form = new FormData($('#search-operations'));
  const query = new URLSearchParams({ limit: '20' });
  if (form.get('operationType')) query.set('operationType', form.get('operationType'));
  const term = String(form.get('metadata') || '').trim();
  const equals = term.indexOf('=');
  if (equals > 0) query.set(`metadata[${term.slice(0, equals).trim()}]`, term.slice(equals + 1).trim());
  return query.toString();
}

bind('search-operations', async () => refreshWallet());

function details(walletId, op) {
  if (op.toWalletId) return `to ${op.toWalletId}`;
  if (op.fromWalletId) return `from ${op.fromWalletId}`;
  if (op.operationType === 'HOLD' && op.holdStatus === 'ACTIVE') {
    const holdId = JSON.stringify(op.operationId);
    return actions(`hold-${op.operationId}`, '#operations-error', [
      ['Capture', () => submitOperation(walletId, `"operationType": "CAPTURE", "holdId": ${holdId}, "amount": ${op.amount}`)],
      ['Void', () => submitOperation(walletId, `"operationType": "VOID", "holdId": ${holdId}`)],
    ]);
  }
  if (op.operationType === 'HOLD') return op.holdStatus ? `hold ${op.holdStatus}` : `hold until ${time(op.expiresAt)}`;
  if (op.holdId) return `hold ${op.holdId}`;
  return '';
}

async function refreshWallet() {
  const walletId = $('#wallet-select').value;
  if (!walletId || !state.token) return;
  try {
    const wallet = await call('GET', `/api/v1/wallets/${walletId}`);
    $('#wallet-balance').textContent = money(wallet.balance);
    $('#wallet-version').textContent = wallet.version;
    $('#wallet-held').textContent = money(wallet.held);
    $('#wallet-available').textContent = money(wallet.available);
    const search = operationSearch();
    const page = await call('GET', `/api/v1/wallets/${walletId}/operations?${search}`);
    const applied = new Set(page.items.map((op) => op.operationId));
    const filtered = search !== 'limit=20';
    const pending = filtered ? [] : [...pendingOperations.values()]
      .filter((op) => op.walletId === walletId && !applied.has(op.operationId));
    for (const op of pending) {
      pendingOperations.set(op.operationId, await call('GET', `/api/v1/wallets/${walletId}/operations/${op.operationId}`));
    }
    const rows = [...pending.map((op) => pendingOperations.get(op.operationId)), ...page.items];
    renderRows('#operations tbody', rows, (op) =>
      [time(op.acceptedAt), op.operationType, [money(op.amount), 'num'], status(op), [money(op.balanceAfter), 'num'],
        details(walletId, op), metadataText(op.metadata)]);
  } catch (e) {
    $('#wallet-balance').textContent = e.message;
  }
}

$('#wallet-select').addEventListener('change', () => { refreshWallet(); refreshMonitors(); });

// Balance monitors of the selected wallet ---------------------------------------------------------

bind('create-monitor', async (form) => {
  const walletId = $('#wallet-select').value;
  if (!walletId) throw new Error('choose a wallet first');
  const note = form.get('note');
  const body = `{"field": ${JSON.stringify(form.get('field'))}, "operator": ${JSON.stringify(form.get('operator'))},`
    + ` "value": ${amountJson(form.get('value'))}${note ? `, "metadata": {"note": ${JSON.stringify(note)}}` : ''}}`;
  await call('POST', `/api/v1/wallets/${walletId}/monitors`, body, { 'Idempotency-Key': crypto.randomUUID() });
  await refreshMonitors();
});

const OPERATORS = { lt: '<', lte: '≤', gt: '>', gte: '≥' };

async function refreshMonitors() {
  const walletId = $('#wallet-select').value;
  if (!walletId || !state.token) return;
  const error = document.querySelector('#create-monitor .error');
  try {
    const monitors = (await call('GET', `/api/v1/wallets/${walletId}/monitors`)).items;
    renderRows('#monitors tbody', monitors, (monitor) => [
      `${monitor.field} ${OPERATORS[monitor.operator]} ${money(monitor.value)}`,
      monitor.triggered ? 'crossed' : '—',
      metadataText(monitor.metadata),
      actions(`monitor-${monitor.monitorId}`, '#create-monitor .error', [['Delete', async () => {
        await call('DELETE', `/api/v1/wallets/${walletId}/monitors/${monitor.monitorId}`);
        await refreshMonitors();
      }]])]);
  } catch (e) {
    error.textContent = e.message;
  }
}

// The statement is a CSV download; the link carries no token, so it is fetched with one and saved.
$('#statement-link').addEventListener('click', async (event) => {
  event.preventDefault();
  const walletId = $('#wallet-select').value;
  if (!walletId || !state.token) return;
  const to = new Date();
  const from = new Date(to.getTime() - 30 * 24 * 3600 * 1000);
  const response = await fetch(`/api/v1/wallets/${walletId}/statement?from=${from.toISOString()}&to=${to.toISOString()}`,
    { headers: { Authorization: `Bearer ${state.token}`, Accept: 'text/csv' } });
  if (!response.ok) {
    document.querySelector('#create-monitor .error').textContent = `statement: ${response.status}`;
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `statement-${walletId}.csv`;
  link.click();
  URL.revokeObjectURL(url);
});

// Orders and payments ---------------------------------------------------------------------------

// The account is the signed-in identity's own: its user id is the token's subject.
bind('create-account', async (form) => {
  await call('POST', '/api/v1/accounts', `{"initialBalance": ${amountJson(form.get('initialBalance'))}}`);
  await refreshAccount();
});

bind('deposit', async (form) => {
  const userId = state.subject;
  await call('POST', `/api/v1/accounts/${userId}/deposits`, `{"amount": ${amountJson(form.get('amount'))}}`,
    { 'Idempotency-Key': crypto.randomUUID() });
  await refreshAccount();
});

bind('create-order', async (form) => {
  const note = String(form.get('note') || '');
  const body = `{"amount": ${amountJson(form.get('amount'))}, "description": ${JSON.stringify(form.get('description'))}`
    + `${note ? `, "metadata": ${JSON.stringify({ note })}` : ''}}`;
  await call('POST', '/api/v1/orders', body, { 'Idempotency-Key': crypto.randomUUID() });
  await refreshAccount();
});

function refundCell(order) {
  if (order.status !== 'FINISHED') return '';
  if (order.refundRequestedAt) return 'refund requested';
  return actions(`refund-${order.orderId}`, '#orders-error', [['Refund', async () => {
    await call('POST', `/api/v1/orders/${order.orderId}/refund`, undefined, { 'Idempotency-Key': crypto.randomUUID() });
    await refreshAccount();
  }]]);
}

async function refreshAccount() {
  const userId = state.subject;
  if (!userId || !state.token) return;
  try {
    const account = await call('GET', `/api/v1/accounts/${userId}`);
    $('#account-balance').textContent = money(account.balance);
    const orders = await call('GET', '/api/v1/orders?limit=20');
    renderRows('#orders tbody', orders.items, (order) =>
      [time(order.createdAt), order.description, [money(order.amount), 'num'], status(order), refundCell(order),
        metadataText(order.metadata)]);
    const transactions = await call('GET', `/api/v1/accounts/${userId}/transactions?limit=20`);
    renderRows('#transactions tbody', transactions.items, (tx) =>
      [time(tx.createdAt), tx.type, [money(tx.amount), 'num'], [money(tx.balanceAfter), 'num']]);
  } catch (e) {
    $('#account-balance').textContent = e.message;
  }
}

bind('create-webhook', async (form) => {
  const body = JSON.stringify({ url: form.get('url'), events: form.getAll('events') });
  const created = await call('POST', '/api/v1/webhooks', body);
  $('#webhook-secret').textContent = created.secret;
  $('#webhook-secret-note').hidden = false;
  $('#webhook-select').dataset.selected = created.webhookId;
  await refreshWebhooks();
});

async function refreshWebhooks() {
  if (!state.token) return;
  try {
    const webhooks = (await call('GET', '/api/v1/webhooks')).items;
    renderRows('#webhooks tbody', webhooks, (webhook) => [webhook.url, webhook.events.join(', '), time(webhook.createdAt),
      actions(`delete-${webhook.webhookId}`, '#webhooks-error', [['Delete', async () => {
        await call('DELETE', `/api/v1/webhooks/${webhook.webhookId}`);
        await refreshWebhooks();
      }]])]);
    const select = $('#webhook-select');
    const chosen = select.dataset.selected || select.value;
    const ids = webhooks.map((webhook) => webhook.webhookId);
    if (JSON.stringify(ids) !== select.dataset.ids) {
      select.dataset.ids = JSON.stringify(ids);
      select.innerHTML = '';
      for (const webhook of webhooks) {
        const option = document.createElement('option');
        option.value = webhook.webhookId;
        option.textContent = webhook.url;
        select.appendChild(option);
      }
    }
    if (ids.includes(chosen)) select.value = chosen;
    delete select.dataset.selected;
    if (!select.value) {
      renderRows('#deliveries tbody', [], () => []);
      return;
    }
    const webhookId = select.value;
    const deliveries = (await call('GET', `/api/v1/webhooks/${webhookId}/deliveries?limit=20`)).items;
    renderRows('#deliveries tbody', deliveries, (delivery) => [time(delivery.createdAt), delivery.eventType,
      [delivery.status, `status status-${delivery.status}`], [String(delivery.attempts), 'num'],
      delivery.lastError || (delivery.lastStatusCode === null ? '' : String(delivery.lastStatusCode)),
      actions(`retry-${delivery.deliveryId}-${delivery.status}`, '#webhooks-error', [['Retry', async () => {
        await call('POST', `/api/v1/webhooks/${webhookId}/deliveries/${delivery.deliveryId}/retry`);
        await refreshWebhooks();
      }]])]);
  } catch (e) {
    $('#webhooks-error').textContent = e.message;
  }
}

$('#webhook-select').addEventListener('change', refreshWebhooks);

showIdentity();
refreshWallet();
refreshMonitors();
refreshAccount();
refreshWebhooks();
// Live: statuses move from PENDING/NEW to their final state within a second or so.
setInterval(() => { refreshWallet(); refreshMonitors(); refreshAccount(); refreshWebhooks(); }, 1000);
