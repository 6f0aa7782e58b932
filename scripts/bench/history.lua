-- wrk script of scripts/bench/history.sh: each request names a random instant of the wallet's history.
local wallet, first, last, kind, token = os.getenv("WALLET"), tonumber(os.getenv("FIRST")), tonumber(os.getenv("LAST")),
  os.getenv("KIND"), os.getenv("TOKEN")
local errors = 0

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed)
end

local function stamp(seconds)
  return os.date("!%Y-%m-%dT%H:%M:%S", seconds) .. string.format(".%03dZ", math.random(0, 999))
end

request = function()
  local at = math.random(first, last)
  local path
  if kind == "wallet" then
    path = "/api/v1/wallets/" .. wallet
  elseif kind == "balance" then
    path = "/api/v1/wallets/" .. wallet .. "/balance?at=" .. stamp(at)
  else
    path = "/api/v1/wallets/" .. wallet .. "/operations?limit=50&from=" .. stamp(at) .. "&to=" .. stamp(at + 3600)
  end
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end

response = function(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors < 5 then print("status " .. status .. ": " .. body) end
  end
end
