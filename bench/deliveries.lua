-- wrk script for bench/intake.py: POST signed Shopify deliveries, each one distinct.
--
-- wrk -s bench/deliveries.lua URL -- BODY_FILE HMAC RUN_TAG
--
-- Every request carries the same body and signature but its own X-Shopify-Webhook-Id,
-- "<RUN_TAG>-<thread>-<n>", so no two requests of any wrk thread or run are the same
-- delivery (Amends would answer a repeat as a duplicate and store nothing).
-- The last line wrk prints is "bench: sent=N ok=N other=N", summed over the threads:
-- sent counts request() calls (wrk builds one extra in thread 1 to check the script,
-- never sent), ok the 200 answers, other every other answer.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_number", #threads)
end

function init(args)
   local file = assert(io.open(args[1], "rb"))
   body = file:read("*a")
   file:close()
   run_tag = args[3]
   headers = {
      ["Content-Type"] = "application/json",
      ["X-Shopify-Topic"] = "orders/create",
      ["X-Shopify-Shop-Domain"] = "bench.myshopify.com",
      ["X-Shopify-API-Version"] = "2026-10",
      ["X-Shopify-Hmac-Sha256"] = args[2],
      ["X-Shopify-Triggered-At"] = "2026-11-16T09:12:45.123Z",
   }
   sent, ok, other = 0, 0, 0
end

function request()
   sent = sent + 1
   headers["X-Shopify-Webhook-Id"] = string.format("%s-%d-%d", run_tag, thread_number, sent)
   return wrk.format("POST", nil, headers, body)
end

function response(status, _headers, _body)
   if status == 200 then
      ok = ok + 1
   else
      other = other + 1
   end
end

function done(_summary, _latency, _requests)
   local totals = { sent = 0, ok = 0, other = 0 }
   for _, thread in ipairs(threads) do
      for name, _ in pairs(totals) do
         totals[name] = totals[name] + thread:get(name)
      end
   end
   io.write(string.format("bench: sent=%d ok=%d other=%d\n", totals.sent, totals.ok, totals.other))
end
