using System.Collections;

namespace Ctraffic.Testing;

/// <summary>
/// Several in-process ctraffic servers with the host names <c>backend-1</c> to <c>backend-N</c>,
/// each on a free port of 127.0.0.1, disposed together: the backends of a <see cref="LoadBalancer"/>.
/// <code>
/// await using var backends = Backends.StartInProcess(4);
/// await backends[1].KillAsync();     // backend-2
/// </code>
/// </summary>
public sealed class Backends : IReadOnlyList<InProcessServer>, IAsyncDisposable
{
    /// <summary>The most backends <see cref="StartInProcess"/> starts.</summary>
    public const int MaxCount = 1000;

    private readonly List<InProcessServer> _servers;

    private Backends(List<InProcessServer> servers) => _servers = servers;

    /// <inheritdoc/>
    public int Count => _servers.Count;

    /// <inheritdoc/>
    public InProcessServer this[int index] => _servers[index];

    /// <summary>Starts <paramref name="count"/> in-process servers named <c>{prefix}-1</c> to <c>{prefix}-{count}</c>.</summary>
    /// <param name="count">How many; 1 to <see cref="MaxCount"/>.</param>
    /// <param name="prefix">The host names' start. The default value is <c>backend</c>.</param>
    /// <returns>The servers, serving.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is out of range.</exception>
    public static Backends StartInProcess(int count, string prefix = "backend")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        var servers = new List<InProcessServer>(count);
        try
        {
            for (var i = 1; i <= count; i++)
            {
                servers.Add(CtrafficServer.InProcess(s => s.HostName = $"{prefix}-{i}"));
            }
        }
        catch
        {
            foreach (var server in servers)
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }

        return new Backends(servers);
    }

    /// <summary>The backend with host name <paramref name="hostName"/>.</summary>
    /// <param name="hostName">E.g. <c>backend-2</c>.</param>
    /// <returns>The server.</returns>
    /// <exception cref="ArgumentException">None has that name.</exception>
    public InProcessServer Named(string hostName)
        => _servers.FirstOrDefault(s => s.Name == hostName)
           ?? throw new ArgumentException($"no backend named '{hostName}'; they are {string.Join(", ", _servers.Select(s => s.Name))}", nameof(hostName));

    /// <inheritdoc/>
    public IEnumerator<InProcessServer> GetEnumerator() => _servers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes every server (each releases its sockets).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
