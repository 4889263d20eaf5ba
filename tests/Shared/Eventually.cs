namespace Ctraffic;

/// <summary>
/// Polls a condition with a deadline (no sleeping as synchronisation). One file, linked into
/// every test project by tests/Directory.Build.props.
/// </summary>
internal static class Eventually
{
    /// <summary>Whether <paramref name="condition"/> became true within <paramref name="timeout"/>, checked every 10 ms (the time-out bounds it: no token needed).</summary>
    public static async Task<bool> TrueAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}
