namespace Ctraffic.Testing.Containers;

/// <summary>A ctraffic container could not be started or did not answer; the message says why.</summary>
public sealed class CtrafficContainerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CtrafficContainerException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CtrafficContainerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public CtrafficContainerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
