using System.Collections.Frozen;

namespace Ctraffic.Statistics;

/// <summary>
/// How a connection ended, read from its error text (Go's wording, as the original and this
/// client write it in <c>Err</c>) and said in words. One classification for statistics files of
/// the original (which have no end kind) and for this client's own runs, whose texts are written
/// from the socket errors.
/// </summary>
public static class ConnectionEnds
{
    private static readonly FrozenDictionary<string, ConnectionEndKind> Names =
        Enum.GetValues<ConnectionEndKind>().ToFrozenDictionary(k => k.ToString(), k => k, StringComparer.Ordinal);

    /// <summary>
    /// The kind of a lost connection's or failed connect's error text: <c>EOF</c> is
    /// <see cref="ConnectionEndKind.PeerClosed"/>, <c>connection reset by peer</c> and <c>broken pipe</c>
    /// <see cref="ConnectionEndKind.Reset"/>, <c>i/o timeout</c> and <c>connection timed out</c>
    /// <see cref="ConnectionEndKind.ReadTimeout"/> (<see cref="ConnectionEndKind.ConnectTimeout"/> on a
    /// <c>dial</c>), <c>connection refused</c> <see cref="ConnectionEndKind.ConnectRefused"/>,
    /// <c>no route to host</c> and <c>network is unreachable</c> <see cref="ConnectionEndKind.Unreachable"/>;
    /// any other text <see cref="ConnectionEndKind.Other"/>.
    /// </summary>
    /// <param name="error">The error text.</param>
    /// <returns>Its kind.</returns>
    public static ConnectionEndKind Classify(string error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var dial = error.StartsWith("dial ", StringComparison.Ordinal);
        if (error == "EOF" || error.EndsWith(": EOF", StringComparison.Ordinal))
        {
            return ConnectionEndKind.PeerClosed;
        }

        if (Has(error, "connection reset by peer") || Has(error, "broken pipe") || Has(error, "software caused connection abort"))
        {
            return ConnectionEndKind.Reset;
        }

        if (Has(error, "connection refused"))
        {
            return dial ? ConnectionEndKind.ConnectRefused : ConnectionEndKind.Reset;
        }

        if (Has(error, "i/o timeout") || Has(error, "connection timed out"))
        {
            return dial ? ConnectionEndKind.ConnectTimeout : ConnectionEndKind.ReadTimeout;
        }

        if (Has(error, "no route to host") || Has(error, "network is unreachable") || Has(error, "host is unreachable"))
        {
            return ConnectionEndKind.Unreachable;
        }

        return ConnectionEndKind.Other;
    }

    /// <summary>The kind named <paramref name="name"/> (as written in <c>EndKind</c> of the JSON), or <see langword="null"/> if none is.</summary>
    /// <param name="name">The name, e.g. <c>PeerClosed</c>.</param>
    /// <returns>The kind, or <see langword="null"/>.</returns>
    public static ConnectionEndKind? Parse(string name) => Names.TryGetValue(name, out var kind) ? kind : null;

    /// <summary>Whether a connection that ended so is a lost connection (an error ended it).</summary>
    /// <param name="kind">The kind.</param>
    /// <returns><see langword="true"/> for the kinds of errors after a connect.</returns>
    public static bool IsLoss(ConnectionEndKind kind)
        => kind is ConnectionEndKind.PeerClosed or ConnectionEndKind.Reset or ConnectionEndKind.ReadTimeout
            or ConnectionEndKind.Unreachable or ConnectionEndKind.Other;

    /// <summary>
    /// The kind in words, e.g. "closed by the peer (FIN)", "reset by the peer (RST)".
    /// </summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The words.</returns>
    public static string Describe(ConnectionEndKind kind) => kind switch
    {
        ConnectionEndKind.Open => "still open",
        ConnectionEndKind.Completed => "lasted to the end",
        ConnectionEndKind.Stopped => "stopped by the client",
        ConnectionEndKind.PeerClosed => "closed by the peer (FIN)",
        ConnectionEndKind.Reset => "reset by the peer (RST)",
        ConnectionEndKind.ReadTimeout => "timed out (no echo within the read time-out)",
        ConnectionEndKind.Unreachable => "unreachable (no route)",
        ConnectionEndKind.ConnectRefused => "connect refused",
        ConnectionEndKind.ConnectTimeout => "connect timed out",
        ConnectionEndKind.Other => "other error",
        _ => kind.ToString(),
    };

    /// <summary>
    /// Counts by kind in words, most first: "20 closed by the peer (FIN), 2 reset by the peer (RST)";
    /// "none" when there are none.
    /// </summary>
    /// <param name="kinds">The kinds, one per connection.</param>
    /// <returns>The summary.</returns>
    public static string Summarize(IEnumerable<ConnectionEndKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var groups = kinds.GroupBy(k => k).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).ToList();
        return groups.Count == 0 ? "none" : string.Join(", ", groups.Select(g => $"{g.Count()} {Describe(g.Key)}"));
    }

    /// <summary>The connections in <paramref name="connections"/> counted by <see cref="ConnectionStats.EndKind"/>, most first.</summary>
    internal static IReadOnlyList<KeyValuePair<ConnectionEndKind, int>> CountByKind(IEnumerable<ConnectionStats> connections)
        => [.. connections.GroupBy(c => c.EndKind).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => KeyValuePair.Create(g.Key, g.Count()))];

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.Ordinal);
}
