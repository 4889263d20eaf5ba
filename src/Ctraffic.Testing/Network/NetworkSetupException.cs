namespace Ctraffic.Testing;

/// <summary>
/// Setting up or removing a network namespace, link or nftables rule failed: the message names the
/// <c>ip</c> or <c>nft</c> command and quotes its error.
/// </summary>
public sealed class NetworkSetupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NetworkSetupException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public NetworkSetupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public NetworkSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
