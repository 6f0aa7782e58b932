-- wrk script of scripts/bench/search.sh: one filtered page of the wallet's operations per request,
-- the filter chosen by KIND, its variable part drawn per request.
local wallet, first, last, kind, token, operations = os.getenv("WALLET"), tonumber(os.getenv("FIRST")),
  tonumber(os.getenv("LAST")), os.getenv("KIND"), os.getenv("TOKEN"), tonumber(os.getenv("OPERATIONS"))
local channels = {"web", "app", "pos", "api", "batch"}
local errors = 0

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed)
end

local function stamp(seconds)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", seconds)
end

request = function()
  local query
  if kind == "metadata-unique" then
    -- n % 10 < 3 carries metadata, orderRef ord-<n>: one row of the million.
    local n = math.random(0, math.floor(operations / 10) - 1) * 10 + math.random(1, 2)
    query = "metadata%5BorderRef%5D=ord-" .. n
  elseif kind == "metadata-common" then
    query = "metadata%5Bchannel%5D=" .. channels[math.random(1, 5)]
  elseif kind == "metadata-period" then
    local at = math.random(first, last - 3600)
    query = "metadata%5Bchannel%5D=" .. channels[math.random(1, 5)] .. "&from=" .. stamp(at) .. "&to=" .. stamp(at + 3600)
  elseif kind == "metadata-deep" then
    -- A common value, from a random instant of the history back (where a cursor deep in it starts).
    query = "metadata%5Bchannel%5D=" .. channels[math.random(1, 5)] .. "&to=" .. stamp(math.random(first, last))
  elseif kind == "metadata-absent" then
    query = "metadata%5Bchannel%5D=none-" .. math.random(1, 1000)
  elseif kind == "type" then
    query = "operationType=WITHDRAW"
  elseif kind == "status" then
    query = "status=FAILED"
  elseif kind == "amount" then
    local low = math.random(0, 989)
    query = "minAmount=" .. low .. "&maxAmount=" .. (low + 10)
  elseif kind == "type-status-amount" then
    local low = math.random(0, 899)
    query = "operationType=DEPOSIT&status=COMPLETED&minAmount=" .. low .. "&maxAmount=" .. (low + 100)
  else
    query = ""
  end
  return wrk.format("GET", "/api/v1/wallets/" .. wallet .. "/operations?limit=50&" .. query,
    {["Authorization"] = "Bearer " .. token})
end

response = function(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors < 5 then print("status " .. status .. ": " .. body) end
  end
end
