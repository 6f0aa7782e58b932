// One namespace per API; each is generated from its OpenAPI document (mvn generate-sources).
export * as wallet from './generated/wallet-api';
export * as payments from './generated/payments-api';
export * as orders from './generated/orders-api';
export * as webhooks from './generated/webhooks-api';
