-- wrk script for scripts/bench/saturate.sh: DEPOSITs of 0.01 spread round-robin over the wallets
-- listed (one id a line) in the file given, each with a unique operationId (per-thread sequences).
-- wrk -t2 -c64 -d90s -s scripts/bench/saturate.lua http://127.0.0.1:18181 -- <wallets file> <token>
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  wallets = {}
  for line in io.lines(args[1]) do
    wallets[#wallets + 1] = line
  end
  sent = 0
  headers = { ["content-type"] = "application/json", ["Authorization"] = "Bearer " .. args[2] }
end

function request()
  sent = sent + 1
  local wallet = wallets[(sent + id) % #wallets + 1]
  local operationId = string.format("5a7e0000-%04x-4000-8000-%012x", id, sent)
  local body = '{"walletId":"' .. wallet .. '","operationType":"DEPOSIT","amount":0.01,"operationId":"'
      .. operationId .. '"}'
  return wrk.format("POST", "/api/v1/wallet", headers, body)
end
