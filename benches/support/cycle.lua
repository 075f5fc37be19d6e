-- wrk script for benches/http.sh: the requests of a client thread (all its connections) go
-- through the paths of the file named by the PATHS environment variable in turn, as
-- `oha --urls-from-file` does, and the run ends with one line of figures:
-- `RESULT p50=.. p90=.. p99=.. rps=.. errors=..` (milliseconds; errors include non-2xx).
local paths = {}
local file = assert(io.open(os.getenv("PATHS")))
for line in file:lines() do
    if #line > 0 then
        table.insert(paths, line)
    end
end
file:close()

local next_path = 0

request = function()
    next_path = next_path % #paths + 1
    return wrk.format("GET", paths[next_path])
end

done = function(summary, latency, requests)
    local errors = summary.errors.connect + summary.errors.read + summary.errors.write
        + summary.errors.status + summary.errors.timeout
    io.write(string.format("RESULT p50=%.3f p90=%.3f p99=%.3f rps=%.0f errors=%d\n",
        latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6), errors))
end
