namespace Ctraffic;

/// <summary>Constants of the ctraffic wire protocol.</summary>
public static class Wire
{
    /// <summary>
    /// The server writes its host name over the start of the first this-many bytes of a TCP
    /// connection (no terminator added) and echoes everything else unchanged.
    /// </summary>
    public const int HandshakeSize = 64;

    /// <summary>The default port.</summary>
    public const int DefaultPort = 5003;
}
