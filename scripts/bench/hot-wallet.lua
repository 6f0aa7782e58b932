-- wrk script: DEPOSITs of 0.01 to one wallet, each with a unique operationId (per-thread sequences:
-- wrk's threads share os.time() seeds, so math.random ids would repeat across threads).
-- wrk -t2 -c64 -d30s -s scripts/bench/hot-wallet.lua http://127.0.0.1:8080 -- <walletId> <token or -> <run number>
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  wallet = args[1]
  run = tonumber(args[3] or "1")
  sent = 0
  headers = { ["content-type"] = "application/json" }
  if args[2] ~= nil and args[2] ~= "-" then
    headers["Authorization"] = "Bearer " .. args[2]
  end
end

function request()
  sent = sent + 1
  local operationId = string.format("%08x-%04x-4000-8000-%012x", run, id, sent)
  local body = '{"walletId":"' .. wallet .. '","operationType":"DEPOSIT","amount":0.01,"operationId":"'
      .. operationId .. '"}'
  return wrk.format("POST", "/api/v1/wallet", headers, body)
end
