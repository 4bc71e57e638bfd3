-- wrk script: POST /api/v1/session, cycling through the bench members
-- (BENCH_SIGNIN_EMAILS, space-separated; all with BENCH_SIGNIN_PASSWORD), so
-- a flood is many members signing in, as on a marketplace, rather than one
-- account hammered (which the per-account attempt cap would queue).
local emails = {}
for email in string.gmatch(os.getenv("BENCH_SIGNIN_EMAILS") or "", "%S+") do
  emails[#emails + 1] = email
end
local password = os.getenv("BENCH_SIGNIN_PASSWORD")
local next_one = 0

request = function()
  next_one = next_one % #emails + 1
  local body = '{"email":"' .. emails[next_one] .. '","password":"' .. password .. '"}'
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
