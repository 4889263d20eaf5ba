namespace Ctraffic.Testing;

/// <summary>The traffic did not reach the awaited state in time; the message says how far it got.</summary>
public sealed class TrafficTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public TrafficTimeoutException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TrafficTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public TrafficTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
