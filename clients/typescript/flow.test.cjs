// The generated TypeScript client (dist/, built by `npm run build`) driving the wallet and order flows
// against a running platform: ComposeTopologyIT (acceptance, GeneratedClientFlows) runs this with
// PLATFORM_URL, PLATFORM_TOKEN (a token with funding) and PLATFORM_USER_ID (its subject).
'use strict';
const { wallet, payments, orders } = require('./dist');

const basePath = process.env.PLATFORM_URL;
const accessToken = process.env.PLATFORM_TOKEN;
const userId = process.env.PLATFORM_USER_ID;
if (!basePath || !accessToken || !userId) {
  console.error('PLATFORM_URL, PLATFORM_TOKEN and PLATFORM_USER_ID are required');
  process.exit(2);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function until(what, condition) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main() {
  const wallets = new wallet.WalletsApi(new wallet.Configuration({ basePath, accessToken }));
  const created = await wallets.createWallet({ createWalletRequest: { initialBalance: 5 } });
  const key = `deposit-${Date.now()}-${Math.random()}`;
  const request = { walletId: created.walletId, operationType: 'DEPOSIT', amount: 10.25 };
  const accepted = await wallets.submitOperation({ submitOperationRequest: request, idempotencyKey: key });
  const retried = await wallets.submitOperationRaw({ submitOperationRequest: request, idempotencyKey: key });
  check(retried.raw.headers.get('Idempotency-Replayed') === 'true', 'the retry is a replay');
  check((await retried.value()).operationId === accepted.operationId, 'the retry names the same operation');
  await until('the deposit applied', async () =>
    (await wallets.getOperation({ walletId: created.walletId, operationId: accepted.operationId })).status === 'COMPLETED');
  const balance = (await wallets.getWallet({ walletId: created.walletId })).balance;
  check(balance === 15.25, `balance ${balance}, expected 15.25`);
  console.log('ok - wallet deposit COMPLETED, balance 15.25');

  const accounts = new payments.AccountsApi(new payments.Configuration({ basePath, accessToken }));
  await accounts.createAccount({ createAccountRequest: { initialBalance: 50 } });
  const ordersApi = new orders.OrdersApi(new orders.Configuration({ basePath, accessToken }));
  const order = await ordersApi.createOrder({ createOrderRequest: { amount: 20, description: 'a book' },
    idempotencyKey: `order-${Date.now()}` });
  await until('the order paid', async () => (await ordersApi.getOrder({ orderId: order.orderId })).status === 'FINISHED');
  const left = (await accounts.getAccount({ userId })).balance;
  check(left === 30, `account balance ${left}, expected 30`);
  console.log('ok - order FINISHED, account debited to 30');

  try {
    await wallets.getWallet({ walletId: '00000000-0000-4000-8000-000000000000' });
    throw new Error('an unknown wallet was found');
  } catch (e) {
    check(e instanceof wallet.ResponseError && e.response.status === 404, `expected a 404 ResponseError: ${e}`);
    const problem = await e.response.json();
    check(problem.code === 'WALLET_NOT_FOUND', `problem ${JSON.stringify(problem)}`);
  }
  console.log('ok - a problem is a ResponseError with its problem+json body');
}

main().catch((error) => {
  console.error(`not ok - ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});
