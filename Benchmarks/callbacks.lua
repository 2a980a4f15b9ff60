-- wrk script: POSTs a distinct callback (new task id) on every request, and counts the answers by
-- status so that the run can be checked against the database's rows. An argument after `--`
-- prefixes the task ids, so that two wrk runs at once post distinct tasks too.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  prefix = args[1] or "bench"
end

request = function()
  counter = counter + 1
  local task = string.format("%s-%d-%d", prefix, id, counter)
  local body = string.format(
    '{"task_id":"%s","task_status":"processing","created_at":1763702400000,"updated_at":1763702460000,' ..
    '"task_result":{"videos":[{"id":"v","url":"https://cdn.example.com/%s.mp4","duration":"5"}]}}', task, task)
  return wrk.format("POST", wrk.path, {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do totals[status] = (totals[status] or 0) + n end
  end
  for status, n in pairs(totals) do io.write(string.format("status %d: %d\n", status, n)) end
  io.write(string.format("p50_ms %.2f\np99_ms %.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
