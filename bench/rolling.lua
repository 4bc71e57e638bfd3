-- wrk script for bench/cluster.sh: through the balancer, one member's
-- requests in turn, GET /api/v1/me, PUT /api/v1/me/profile (a write: 202,
-- a new pending revision) and POST /api/v1/hello/greetings (the example
-- plugin's insert, 201: a POST, which no balancer sends twice), and every
-- answer counted by status.
--
-- Environment (set by bench/cluster.sh):
--   BENCH_ROLL_TOKEN   the member's bearer token
--   BENCH_ROLL_RESULT  where done() writes "status CODE N" lines, then
--                      "socket connect|read|write|timeout N" and "requests N"
--
-- Each wrk thread has a Lua state of its own: the counts are per thread,
-- and done() adds them up through thread:get.

local token = os.getenv("BENCH_ROLL_TOKEN")
local profile_body = '{"fields":{"company_name":"Ningbo Bright Lamps Co., Ltd.","contact_name":"Li Wei",'
  .. '"business_type":"Manufacturer","country":"CN"}}'

local threads = {}
local turn = 0
statuses = {}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  turn = turn + 1
  local headers = { ["Authorization"] = "Bearer " .. token }
  if turn % 3 == 1 then
    headers["Content-Type"] = "application/json"
    return wrk.format("PUT", "/api/v1/me/profile", headers, profile_body)
  end
  if turn % 3 == 2 then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/v1/hello/greetings", headers, '{"text":"Lamps that last."}')
  end
  return wrk.format("GET", "/api/v1/me", headers)
end

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  local out = assert(io.open(os.getenv("BENCH_ROLL_RESULT"), "w"))
  for status, n in pairs(total) do out:write(string.format("status %d %d\n", status, n)) end
  for _, kind in ipairs({ "connect", "read", "write", "timeout" }) do
    out:write(string.format("socket %s %d\n", kind, summary.errors[kind]))
  end
  out:write(string.format("requests %d\n", summary.requests))
  out:close()
end
