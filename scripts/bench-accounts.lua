-- wrk script for scripts/bench-accounts: every other request signs up a new company
-- (a fresh address each time), the others sign in to the demo account. Each request comes from its own client address
-- (X-Forwarded-For, read by the server's one trusted hop), so the per-address limits
-- are what a crowd of people meets, not one client's throttle.
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  n = 0
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
  return wrk.format("POST", "/sign-in", headers, "email=demo%40hifinity.test&password=hifinity-demo-2026")
end
