-- bench/poll_results.py's `writes` case: each wrk thread reads READ_PATH, and every 10th of its
-- requests POSTs an answer to a single-choice question as the signed-in participant instead
-- (the option alternates, so that every POST changes the answer and the results).
--   wrk -t2 -c8 -d10s -s bench/poll_results.lua http://HOST:PORT/ -- \
--       READ_PATH POST_PATH CSRF_TOKEN READ_COOKIE WRITE_COOKIE

function init(args)
   read_path, post_path, token, read_cookie, write_cookie = args[1], args[2], args[3], args[4], args[5]
   counter = 0
end

local function encode(text)
   return (text:gsub("[^%w%-%._~]", function(c)
      return string.format("%%%02X", string.byte(c))
   end))
end

function request()
   counter = counter + 1
   if counter % 10 ~= 0 then
      return wrk.format("GET", read_path, { ["Cookie"] = read_cookie })
   end
   local option = (counter / 10) % 2 + 1
   local body = "csrf_token=" .. encode(token) .. "&option=" .. option
   return wrk.format("POST", post_path, {
      ["Cookie"] = write_cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
   }, body)
end
