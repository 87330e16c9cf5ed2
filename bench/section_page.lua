-- bench/section_page.py's `writes` case: each wrk thread reads the section page, and every
-- 10th of its requests POSTs a new comment as the signed-in participant instead.
--   wrk -t2 -c8 -d10s -s bench/section_page.lua http://HOST:PORT/ -- \
--       READ_PATH POST_PATH CSRF_TOKEN COOKIE RUN_ID
-- The CSRF token and the session cookie it belongs to come from a GET of the page made before
-- the run (the token is bound to that session); each comment gets an idempotency key of its own.

local threads = 0

function setup(thread)
   threads = threads + 1
   thread:set("thread_id", threads)
end

local function encode(text)
   return (text:gsub("[^%w%-%._~]", function(c)
      return string.format("%%%02X", string.byte(c))
   end))
end

function init(args)
   read_path, post_path, token, cookie, run_id = args[1], args[2], args[3], args[4], args[5]
   counter = 0
   wrk.headers["Cookie"] = cookie
   post_headers = {
      ["Cookie"] = cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
   }
end

function request()
   counter = counter + 1
   if counter % 10 ~= 0 then
      return wrk.format("GET", read_path)
   end
   local key = run_id .. "-" .. thread_id .. "-" .. counter
   local body = "csrf_token=" .. encode(token)
      .. "&kind=comment&body=" .. encode("Kuormakirjoitus " .. key)
      .. "&quote=&parent_id=&idempotency_key=" .. encode(key) .. "&draft=&confirmed="
   local headers = {}
   for name, value in pairs(post_headers) do
      headers[name] = value
   end
   return wrk.format("POST", post_path, headers, body)
end
