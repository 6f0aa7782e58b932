'use strict';
// A small client of the three APIs. Amounts are sent as the decimal text the user typed (the
// server parses them exactly) and shown as the server wrote them.

const state = {
  wallets: JSON.parse(localStorage.getItem('wallets') || '[]'),
  users: JSON.parse(localStorage.getItem('users') || '[]'),
};

const $ = (selector) => document.querySelector(selector);

async function call(method, path, body, headers = {}) {
  const options = { method, headers: { ...headers } };
  if (body !== undefined) {
    options.headers['content-type'] = 'application/json';
    options.body = body;
  }
  const response = await fetch(path, options);
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

/** Replaces a table's rows; toCells gives each item's cells as text or [text, className]. */
function renderRows(selector, items, toCells) {
  const body = $(selector);
  body.innerHTML = '';
  for (const item of items) {
    const row = document.createElement('tr');
    for (const cell of toCells(item)) {
      const [text, className] = Array.isArray(cell) ? cell : [cell];
      const td = document.createElement('td');
      td.textContent = text;
      if (className) td.className = className;
      row.appendChild(td);
    }
    body.appendChild(row);
  }
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

// Wallets ---------------------------------------------------------------------------------------

const pendingOperations = new Map();

bind('create-wallet', async (form) => {
  const wallet = await call('POST', '/api/v1/wallets', `{"initialBalance": ${amountJson(form.get('initialBalance'))}}`);
  remember('wallets', state.wallets, wallet.walletId);
  fillSelect($('#wallet-select'), state.wallets, wallet.walletId);
  await refreshWallet();
});

bind('submit-operation', async (form) => {
  const walletId = $('#wallet-select').value;
  if (!walletId) throw new Error('Create or select a wallet first.');
  const operationId = crypto.randomUUID();
  const body = `{"walletId": "${walletId}", "operationType": "${form.get('operationType')}", `
    + `"amount": ${amountJson(form.get('amount'))}, "operationId": "${operationId}"}`;
  const operation = await call('POST', '/api/v1/wallet', body);
  pendingOperations.set(operation.operationId, operation);
  await refreshWallet();
});

async function refreshWallet() {
  const walletId = $('#wallet-select').value;
  if (!walletId) return;
  try {
    const wallet = await call('GET', `/api/v1/wallets/${walletId}`);
    $('#wallet-balance').textContent = money(wallet.balance);
    $('#wallet-version').textContent = wallet.version;
    const page = await call('GET', `/api/v1/wallets/${walletId}/operations?limit=20`);
    const applied = new Set(page.items.map((op) => op.operationId));
    const pending = [...pendingOperations.values()].filter((op) => op.walletId === walletId && !applied.has(op.operationId));
    for (const op of pending) {
      pendingOperations.set(op.operationId, await call('GET', `/api/v1/wallets/${walletId}/operations/${op.operationId}`));
    }
    const rows = [...pending.map((op) => pendingOperations.get(op.operationId)), ...page.items];
    renderRows('#operations tbody', rows, (op) =>
      [time(op.acceptedAt), op.operationType, [money(op.amount), 'num'], status(op), [money(op.balanceAfter), 'num']]);
  } catch (e) {
    $('#wallet-balance').textContent = e.message;
  }
}

$('#wallet-select').addEventListener('change', refreshWallet);

// Orders and payments ---------------------------------------------------------------------------

bind('create-account', async (form) => {
  const userId = crypto.randomUUID();
  await call('POST', '/api/v1/accounts', `{"userId": "${userId}", "initialBalance": ${amountJson(form.get('initialBalance'))}}`);
  remember('users', state.users, userId);
  fillSelect($('#account-select'), state.users, userId);
  await refreshAccount();
});

bind('deposit', async (form) => {
  const userId = $('#account-select').value;
  if (!userId) throw new Error('Open or select an account first.');
  await call('POST', `/api/v1/accounts/${userId}/deposits`, `{"amount": ${amountJson(form.get('amount'))}}`,
    { 'Idempotency-Key': crypto.randomUUID() });
  await refreshAccount();
});

bind('create-order', async (form) => {
  const userId = $('#account-select').value;
  if (!userId) throw new Error('Open or select an account first.');
  const body = `{"userId": "${userId}", "amount": ${amountJson(form.get('amount'))}, `
    + `"description": ${JSON.stringify(form.get('description'))}}`;
  await call('POST', '/api/v1/orders', body, { 'Idempotency-Key': crypto.randomUUID() });
  await refreshAccount();
});

async function refreshAccount() {
  const userId = $('#account-select').value;
  if (!userId) return;
  try {
    const account = await call('GET', `/api/v1/accounts/${userId}`);
    $('#account-balance').textContent = money(account.balance);
    const orders = await call('GET', `/api/v1/orders?userId=${userId}&limit=20`);
    renderRows('#orders tbody', orders.items, (order) =>
      [time(order.createdAt), order.description, [money(order.amount), 'num'], status(order)]);
    const transactions = await call('GET', `/api/v1/accounts/${userId}/transactions?limit=20`);
    renderRows('#transactions tbody', transactions.items, (tx) =>
      [time(tx.createdAt), tx.type, [money(tx.amount), 'num'], [money(tx.balanceAfter), 'num']]);
  } catch (e) {
    $('#account-balance').textContent = e.message;
  }
}

$('#account-select').addEventListener('change', refreshAccount);

fillSelect($('#wallet-select'), state.wallets, state.wallets[0]);
fillSelect($('#account-select'), state.users, state.users[0]);
refreshWallet();
refreshAccount();
// Live: statuses move from PENDING/NEW to their final state within a second or so.
setInterval(() => { refreshWallet(); refreshAccount(); }, 1000);
