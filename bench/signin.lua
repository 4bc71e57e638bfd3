-- wrk script: POST /api/v1/session with the bench member's credentials,
-- passed in BENCH_SIGNIN_BODY by bench/run.sh.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BENCH_SIGNIN_BODY")
