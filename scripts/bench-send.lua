-- wrk script for scripts/bench-send: POSTs the Send Interview form, each request to the
-- next candidate in BENCH_IDS (a file of candidate ids) with a fresh idempotency key,
-- so every request creates one interview and queues one email.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  ids = {}
  for line in io.lines(os.getenv("BENCH_IDS")) do
    ids[#ids + 1] = line
  end
  n = 0
  math.randomseed(os.time() * 1000 + tid * 7919)
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "hifinity_session=" .. os.getenv("BENCH_SESSION"),
    ["Sec-Fetch-Site"] = "same-origin",
  }
  fields = "job_id=" .. os.getenv("BENCH_JOB") .. "&version_id=" .. os.getenv("BENCH_VERSION")
    .. "&return_to=%2Finterviews&idempotency_key="
end

local function uuid4()
  return string.format("%08x-%04x-4%03x-%04x-%04x%08x",
    math.random(0, 0x7fffffff), math.random(0, 0xffff), math.random(0, 0xfff),
    0x8000 + math.random(0, 0x3fff), math.random(0, 0xffff), math.random(0, 0x7fffffff))
end

function request()
  n = n + 1
  -- Threads take interleaved candidates: two requests rarely wait on one candidate row.
  local id = ids[((n * 2 + tid) % #ids) + 1]
  return wrk.format("POST", "/candidates/" .. id .. "/send-interview", headers, fields .. uuid4())
end
