namespace Ctraffic.Analysis;

/// <summary>
/// The statistics cannot be analyzed in the asked way, e.g. they have no samples. The message is
/// the original ctraffic's where it has one ("No samples found").
/// </summary>
public sealed class AnalysisException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AnalysisException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is missing or wrong, as one line.</param>
    public AnalysisException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is missing or wrong, as one line.</param>
    /// <param name="innerException">The cause.</param>
    public AnalysisException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
