namespace Ctraffic.Client.Http;

/// <summary>
/// A lane's HTTP client asked for a connection after the run ended for it (stopped, its time up,
/// its slots used): the request is abandoned as part of the run's end, not failed.
/// </summary>
internal sealed class RunEndedException(string message) : OperationCanceledException(message)
{
    /// <summary>Whether <paramref name="error"/> or one of its inner exceptions is the run's end.</summary>
    public static bool IsIn(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is RunEndedException)
            {
                return true;
            }
        }

        return false;
    }
}
