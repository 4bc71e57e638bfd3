-- wrk script for bench/soak.sh: a mixed load by request count over the
-- members bench/soak.sh created, and every answer counted by status.
--
--   80 %  GET /api/v1/me              (a member's token)
--   10 %  PUT /api/v1/me/profile      (a valid body: 202, a new pending revision)
--    5 %  POST /api/v1/session        (a sign-in: Argon2id, slow by design)
--    5 %  PUT /api/v1/me/photo        (a small JPEG, decoded by a photo-worker)
--
-- Environment (set by bench/soak.sh):
--   BENCH_SOAK_MEMBERS   a file, one "email token" per line
--   BENCH_SOAK_PASSWORD  every member's password
--   BENCH_SOAK_PHOTO     the JPEG uploaded
--   BENCH_SOAK_RESULT    where done() writes the counts, one per line:
--                        "sent KIND N", "status CODE N", "problem CODE SLUG N",
--                        "no_retry_after N", "socket connect|read|write|timeout N",
--                        "latency p50|p99|max MICROSECONDS", "requests N",
--                        "duration_us N"
--
-- Each wrk thread has a Lua state of its own: the tables below are per
-- thread, and done() (in the main state) adds them up through thread:get.

local members = {}
for line in io.lines(os.getenv("BENCH_SOAK_MEMBERS")) do
  local email, token = line:match("^(%S+)%s+(%S+)$")
  if email then members[#members + 1] = { email = email, token = token } end
end
local password = os.getenv("BENCH_SOAK_PASSWORD")
local file = assert(io.open(os.getenv("BENCH_SOAK_PHOTO"), "rb"))
local photo = file:read("*a")
file:close()

-- The default profile schema's required fields (company_name,
-- contact_name, business_type, country) and a few optional ones.
local profile_body = '{"fields":{"company_name":"Ningbo Bright Lamps Co., Ltd.","contact_name":"Li Wei",'
  .. '"business_type":"Manufacturer","country":"CN","phone":"010 1234 5678",'
  .. '"website":"https://bright-lamps.example.com","time_zone":"Asia/Shanghai"}}'

-- One cycle of 20 requests gives the mix exactly; the writes are spread
-- through it rather than bunched.
local cycle = {
  "me", "me", "me", "me", "profile", "me", "me", "me", "me", "signin",
  "me", "me", "me", "me", "profile", "me", "me", "me", "me", "photo",
}

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  threads[#threads + 1] = thread
end

-- Per thread (globals of the thread's own Lua state).
sent = {}          -- kind -> requests sent
statuses = {}      -- status code -> answers
problems = {}      -- "code slug" -> answers (every non-2xx)
no_retry_after = 0 -- 429/503 without Retry-After (an error: the contract wants one)
local step = 0
local turn = {} -- kind -> index of the member it used last

function init(args)
  -- Threads start apart in the cycle and among the members.
  local id = tonumber(thread_id) or 0
  step = id * 7
  for _, kind in ipairs({ "me", "profile", "signin", "photo" }) do
    turn[kind] = id * math.floor(#members / 2)
  end
end

-- Each kind goes round every member in turn (one shared turn would give
-- a kind only the members whose number fits the 20-request cycle).
local function member(kind)
  turn[kind] = turn[kind] % #members + 1
  return members[turn[kind]]
end

function request()
  step = step % #cycle + 1
  local kind = cycle[step]
  sent[kind] = (sent[kind] or 0) + 1
  if kind == "signin" then
    local m = member(kind)
    return wrk.format("POST", "/api/v1/session", { ["Content-Type"] = "application/json" },
      '{"email":"' .. m.email .. '","password":"' .. password .. '"}')
  end
  local auth = "Bearer " .. member(kind).token
  if kind == "profile" then
    return wrk.format("PUT", "/api/v1/me/profile",
      { ["Content-Type"] = "application/json", ["Authorization"] = auth }, profile_body)
  elseif kind == "photo" then
    return wrk.format("PUT", "/api/v1/me/photo",
      { ["Content-Type"] = "image/jpeg", ["Authorization"] = auth }, photo)
  end
  return wrk.format("GET", "/api/v1/me", { ["Authorization"] = auth })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 300 then
    local slug = body and body:match("urn:memberd:problem:([%w_%-]+)") or "-"
    local key = status .. " " .. slug
    problems[key] = (problems[key] or 0) + 1
    if (status == 429 or status == 503) and not (headers["Retry-After"] or headers["retry-after"]) then
      no_retry_after = no_retry_after + 1
    end
  end
end

function done(summary, latency, requests)
  local total = { sent = {}, statuses = {}, problems = {}, no_retry_after = 0 }
  local function add(into, from)
    for k, v in pairs(from or {}) do into[k] = (into[k] or 0) + v end
  end
  for _, thread in ipairs(threads) do
    add(total.sent, thread:get("sent"))
    add(total.statuses, thread:get("statuses"))
    add(total.problems, thread:get("problems"))
    total.no_retry_after = total.no_retry_after + (thread:get("no_retry_after") or 0)
  end
  local out = assert(io.open(os.getenv("BENCH_SOAK_RESULT"), "w"))
  for kind, n in pairs(total.sent) do out:write(string.format("sent %s %d\n", kind, n)) end
  for code, n in pairs(total.statuses) do out:write(string.format("status %d %d\n", code, n)) end
  for key, n in pairs(total.problems) do out:write(string.format("problem %s %d\n", key, n)) end
  out:write(string.format("no_retry_after %d\n", total.no_retry_after))
  for _, what in ipairs({ "connect", "read", "write", "timeout" }) do
    out:write(string.format("socket %s %d\n", what, summary.errors[what]))
  end
  out:write(string.format("latency p50 %d\nlatency p99 %d\nlatency max %d\n",
    latency:percentile(50), latency:percentile(99), latency.max))
  out:write(string.format("requests %d\nduration_us %d\n", summary.requests, summary.duration))
  out:close()
end
