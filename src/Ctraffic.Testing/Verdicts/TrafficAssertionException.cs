namespace Ctraffic.Testing.Verdicts;

/// <summary>
/// A check of a traffic report failed (<see cref="TrafficVerdict.ThrowIfFailed"/>). Every test
/// framework fails a test that throws it: xUnit and MSTest as a failure, NUnit as an error. The
/// message says what was expected and what was seen, as the assertion libraries' adapters word it.
/// </summary>
public sealed class TrafficAssertionException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public TrafficAssertionException()
        : base("A check of the traffic failed.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What was expected, and what was seen.</param>
    public TrafficAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    /// <param name="message">What was expected, and what was seen.</param>
    /// <param name="innerException">The cause.</param>
    public TrafficAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
