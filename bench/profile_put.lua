-- wrk script for bench/cluster.sh: one member's PUT /api/v1/me/profile (a
-- write: 202, a new pending revision), again and again.
--
-- Environment: BENCH_TOKEN, the member's bearer token.
local token = os.getenv("BENCH_TOKEN")
local body = '{"fields":{"company_name":"Ningbo Bright Lamps Co., Ltd.","contact_name":"Li Wei",'
  .. '"business_type":"Manufacturer","country":"CN"}}'

function request()
  return wrk.format("PUT", "/api/v1/me/profile",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
