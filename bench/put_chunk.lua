-- wrk script: PUT 1 MiB chunks into talegraph uploads.
--
-- Usage: wrk -tT -cC -d10s -s put_chunk.lua URL -- CHUNK_COUNT UPLOAD_ID...
--   CHUNK_COUNT  chunks each thread cycles through (indices 0..CHUNK_COUNT-1),
--                so after the first round every PUT replaces a stored chunk.
--   UPLOAD_ID    one open upload per wrk thread; thread i (from 1) uses the
--                i-th id. Connections of one thread share its upload.
--
-- Each thread builds its CHUNK_COUNT requests once in init(), so the timed
-- loop only sends prepared bytes. done() prints "put_chunk: ..." lines with
-- the count of each response status and MB/s (1 MB = 2^20 bytes, the chunk
-- size).

local chunk_bytes = 1024 * 1024

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

-- Returns `size` bytes of a repeating binary pattern, built by doubling a
-- 256-byte seed.
local function make_body(size)
  local seed = {}
  for i = 0, 255 do
    seed[#seed + 1] = string.char((i * 151 + 17) % 256)
  end
  local body = table.concat(seed)
  while #body < size do
    body = body .. body
  end
  return body:sub(1, size)
end

function init(args)
  local chunk_count = tonumber(args[1])
  if chunk_count == nil or chunk_count < 1 then
    error("put_chunk.lua: invalid CHUNK_COUNT \"" .. tostring(args[1])
      .. "\": expected a positive integer before the upload ids")
  end
  local upload_id = args[1 + thread_number]
  if upload_id == nil then
    error("put_chunk.lua: missing upload id for thread " .. thread_number
      .. "; pass one UPLOAD_ID per wrk thread (-t)")
  end

  local body = make_body(chunk_bytes)
  local headers = { ["Content-Type"] = "application/octet-stream" }
  prepared = {}
  for index = 0, chunk_count - 1 do
    local path = "/v1/uploads/" .. upload_id .. "/chunks/" .. index
    prepared[#prepared + 1] = wrk.format("PUT", path, headers, body)
  end
  next_request = 0
  statuses = {}
end

function request()
  next_request = next_request % #prepared + 1
  return prepared[next_request]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(counts) do
    parts[#parts + 1] = status .. "=" .. count
  end
  table.sort(parts)

  local seconds = summary.duration / 1e6
  local mebibytes = summary.requests * chunk_bytes / (1024 * 1024)
  io.write(string.format("put_chunk: statuses %s\n", table.concat(parts, " ")))
  io.write(string.format("put_chunk: %d requests in %.2fs, %.1f MB/s\n", summary.requests,
    seconds, mebibytes / seconds))
end
