namespace Ctraffic.Testing.Verdicts;

/// <summary>
/// The outcome of one check of a report (<see cref="TrafficVerdicts"/>): whether it passed, what it
/// expected, and what was seen instead. Its message is the one every assertion library's adapter
/// fails with: <c>Expected every packet echoed, but 3 of 1000 packets sent got no echo (...).</c>
/// </summary>
public sealed class TrafficVerdict
{
    private static readonly char[] Blanks = ['\r', '\n', ' ', '\t'];

    private TrafficVerdict(string expectation, string? actual)
    {
        Expectation = expectation;
        Actual = actual;
    }

    /// <summary>Whether the check passed.</summary>
    public bool Passed => Actual is null;

    /// <summary>What the check expected, e.g. <c>every packet echoed</c>.</summary>
    public string Expectation { get; }

    /// <summary>What was seen instead, e.g. <c>3 of 1000 packets sent got no echo (...)</c>; <see langword="null"/> when the check passed.</summary>
    public string? Actual { get; }

    /// <summary>
    /// The failure message, with the reason as FluentAssertions words it: <c>Expected X because
    /// REASON, but Y.</c> (<c>because</c> is added when <paramref name="because"/> does not start with it).
    /// </summary>
    /// <param name="because">Why the check matters, for the message; may hold <see cref="string.Format(IFormatProvider, string, object[])"/> placeholders.</param>
    /// <param name="becauseArgs">Arguments of <paramref name="because"/>.</param>
    /// <returns>The message; for a passed check, <c>Passed: </c> and the expectation.</returns>
    public string Message(string because = "", params object[] becauseArgs)
        => Actual is null ? $"Passed: {Expectation}." : $"Expected {Expectation}{Reason(because, becauseArgs)}, but {Actual}.";

    /// <summary>Throws a <see cref="TrafficAssertionException"/> with <see cref="Message"/> if the check failed.</summary>
    /// <param name="because">Why the check matters, for the message.</param>
    /// <param name="becauseArgs">Arguments of <paramref name="because"/>.</param>
    /// <exception cref="TrafficAssertionException">The check failed.</exception>
    public void ThrowIfFailed(string because = "", params object[] becauseArgs)
    {
        if (!Passed)
        {
            throw new TrafficAssertionException(Message(because, becauseArgs));
        }
    }

    /// <summary>The message without a reason (<see cref="Message"/>).</summary>
    public override string ToString() => Message();

    internal static TrafficVerdict Pass(string expectation) => new(expectation, null);

    internal static TrafficVerdict Fail(string expectation, string actual) => new(expectation, actual);

    /// <summary>A verdict that fails with <paramref name="actual"/>'s text unless <paramref name="passed"/>: the text is made only for a failure.</summary>
    internal static TrafficVerdict Of(bool passed, string expectation, Func<string> actual) => passed ? Pass(expectation) : Fail(expectation, actual());

    /// <summary>
    /// The reason as FluentAssertions puts it in its messages: formatted, <c>because</c> after its
    /// leading blanks unless it starts with it, and a blank before it unless it has one.
    /// </summary>
    private static string Reason(string because, object[] becauseArgs)
    {
        var reason = because ?? "";
        if (becauseArgs is { Length: > 0 })
        {
            try
            {
                reason = string.Format(System.Globalization.CultureInfo.InvariantCulture, reason, becauseArgs);
            }
            catch (FormatException)
            {
                // The reason as it was written: a message with a stray brace is still a message.
            }
        }

        if (reason.Length == 0)
        {
            return "";
        }

        var text = reason.TrimStart(Blanks);
        if (!text.StartsWith("because", StringComparison.OrdinalIgnoreCase))
        {
            reason = reason[..^text.Length] + "because " + text;
        }

        return reason[0] is ' ' or '\t' or '\r' or '\n' ? reason : " " + reason;
    }
}
