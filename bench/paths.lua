-- wrk script: cycle through the request paths listed (one per line) in the file given after
-- `--`, each thread starting at its own offset; print exact figures as one JSON line at the end.
--   wrk -t1 -c16 -d10s -s bench/paths.lua http://127.0.0.1:8000 -- /tmp/paths.txt

local paths = {}
local index = 0
local thread_counter = 0

function setup(thread)
  thread:set("thread_id", thread_counter)
  thread_counter = thread_counter + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no paths in " .. tostring(args[1]))
  end
  index = ((thread_id or 0) * 7919) % #paths
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "err_connect": %d, ' ..
    '"err_read": %d, "err_write": %d, "err_status": %d, "err_timeout": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
