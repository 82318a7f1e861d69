-- wrk script: the same POST for every request (body and path from the environment).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BENCH_BODY")
wrk.path = os.getenv("BENCH_PATH")
