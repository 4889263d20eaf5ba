namespace Ctraffic.Internal;

/// <summary>
/// The token bucket of one connection, with the semantics of Go's <c>rate.Limiter</c> that the
/// original uses: tokens are bytes, refilled at a fixed rate up to a burst; a reservation takes
/// tokens at once (the balance may go negative) and tells when they are covered. Pure arithmetic
/// over timestamps, so it is tested with made-up times.
/// </summary>
internal struct TokenBucket
{
    private readonly double _tokensPerTick;
    private readonly double _burst;
    private double _tokens;
    private long _last;

    /// <summary>Creates a bucket holding <paramref name="initialTokens"/>.</summary>
    /// <param name="bytesPerSecond">Refill rate.</param>
    /// <param name="burst">Most tokens the bucket holds.</param>
    /// <param name="now">The current timestamp.</param>
    /// <param name="ticksPerSecond">Timestamp frequency.</param>
    /// <param name="initialTokens">Tokens at <paramref name="now"/>.</param>
    public TokenBucket(double bytesPerSecond, double burst, long now, long ticksPerSecond, double initialTokens = 0)
    {
        _tokensPerTick = bytesPerSecond / ticksPerSecond;
        _burst = burst;
        _tokens = Math.Min(burst, initialTokens);
        _last = now;
    }

    /// <summary>Tokens in the bucket at the last update (negative while a reservation is not yet covered).</summary>
    public readonly double Tokens => _tokens;

    /// <summary>Takes <paramref name="n"/> tokens and returns the timestamp at which they are covered (≤ now if at once).</summary>
    public long Reserve(long now, int n)
    {
        Advance(now);
        _tokens -= n;
        if (_tokens >= 0)
        {
            return now;
        }

        return now + (long)Math.Ceiling(-_tokens / _tokensPerTick);
    }

    /// <summary>Takes <paramref name="n"/> tokens if the bucket holds them now.</summary>
    public bool TryTake(long now, int n)
    {
        Advance(now);
        if (_tokens < n)
        {
            return false;
        }

        _tokens -= n;
        return true;
    }

    private void Advance(long now)
    {
        if (now <= _last)
        {
            return;
        }

        _tokens = Math.Min(_burst, _tokens + (now - _last) * _tokensPerTick);
        _last = now;
    }
}
