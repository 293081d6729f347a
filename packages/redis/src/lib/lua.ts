/**
 * Lua helpers prepended to the scripts that need them.
 *
 * - `ms(x)`: a time in ms as an integer string, rounded up (PXAT and PEXPIREAT take integers; `%.0f` keeps
 *   13-digit timestamps exact where Lua's default number format would not guarantee it).
 * - `earliest(a, b)`: the smaller of two times, as given.
 * - `now_ms()`: the server's clock, in ms.
 * - `track(set, member, expires_at)`: records `member` in a per-subject sorted set scored by its expiry, drops
 *   members that have expired by the server's clock, and lets the set itself expire with its last member.
 */
export const LUA_HELPERS = `
local function ms(x) return string.format('%.0f', math.ceil(tonumber(x))) end
local function earliest(a, b) if tonumber(a) <= tonumber(b) then return a end return b end
local function now_ms() local t = redis.call('TIME') return string.format('%.0f', t[1] * 1000 + math.floor(t[2] / 1000)) end
local function track(set, member, expires_at)
  redis.call('ZADD', set, ms(expires_at), member)
  redis.call('ZREMRANGEBYSCORE', set, '-inf', now_ms())
  local last = redis.call('ZRANGE', set, -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIREAT', set, ms(last[2])) end
end
`;

/**
 * Records `member` in a per-subject sorted set scored by when it expires (`track` above).
 * KEYS = the set; ARGV = member, expiresAt.
 */
export const TRACK_SCRIPT = `${LUA_HELPERS}
track(KEYS[1], ARGV[1], ARGV[2])
return 1
`;
