-- wrk script for bench/writes.sh: PUT /api/v1/me/profile (a write: 202, a
-- new pending revision replacing the member's earlier one), each request
-- from the next member in turn, so that the connections in flight are as
-- many members writing at once.
--
-- Environment: BENCH_TOKENS, a file with one bearer token a line.
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
  if #line > 0 then tokens[#tokens + 1] = line end
end
local next_token = 0
local body = '{"fields":{"company_name":"Ningbo Bright Lamps Co., Ltd.","contact_name":"Li Wei",'
  .. '"business_type":"Manufacturer","country":"CN"}}'

function request()
  next_token = next_token % #tokens + 1
  return wrk.format("PUT", "/api/v1/me/profile",
    { ["Authorization"] = "Bearer " .. tokens[next_token], ["Content-Type"] = "application/json" }, body)
end
