-- wrk script for scripts/bench-accounts: every other request signs up a new company
-- (a fresh address each time), the others sign in to one of 2,000 accounts. Each request comes from its own client address
-- (X-Forwarded-For, read by the server's one trusted hop), so the per-address limits
-- are what a crowd of people meets, not one client's throttle.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  n = 0
  statuses = {}
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Sec-Fetch-Site"] = "same-origin",
  }
end

function request()
  n = n + 1
  local k = n * 2 + tid
  headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(k / 65536) % 256, math.floor(k / 256) % 256, k % 256)
  if n % 2 == 0 then
    local email = string.format("load-%d-%d-%d@bench.example", os.time(), tid, n)
    return wrk.format("POST", "/sign-up", headers,
      "company_name=Load+Test&name=Load+Tester&password=correct+horse+battery+staple&email=" .. email)
  end
  local account = string.format("teammate%d%%40bench.example", k % 2000 + 1)
  return wrk.format("POST", "/sign-in", headers, "email=" .. account .. "&password=hifinity-demo-2026")
end

-- What the requests were answered, told apart by status and page.
local function outcome(status, body)
  if status == 503 then return "503 busy, try again" end
  if status == 303 then return "303 signed in" end
  if status == 429 then
    if body:find("Too many companies", 1, true) then return "429 sign-up limit" end
    return "429 sign-in throttle"
  end
  if status == 200 and body:find("Check your email", 1, true) then return "200 sign-up: check your email" end
  if status == 200 and body:find("incorrect", 1, true) then return "200 sign-in refused" end
  return status .. " other"
end

function response(status, headers, body)
  local key = outcome(status, body)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("statuses")) do
      total[key] = (total[key] or 0) + count
    end
  end
  local keys = {}
  for key in pairs(total) do keys[#keys + 1] = key end
  table.sort(keys)
  for _, key in ipairs(keys) do
    io.write(string.format("answered %s: %d\n", key, total[key]))
  end
end
