-- wrk script: each connection sends one request, then stays open and idle
-- (as a browser's or a load balancer's kept-alive connection does) until the
-- run ends. wrk sends a connection's first request at once and asks delay()
-- before each later one; an hour is longer than any run.
delay = function()
  return 3600 * 1000
end
