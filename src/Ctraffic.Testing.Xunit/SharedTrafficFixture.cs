using System.Runtime.ExceptionServices;
using Ctraffic.Testing.Internal;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

namespace Ctraffic.Testing;

/// <summary>
/// Continuous traffic shared by the tests of a class, a collection or an assembly
/// (<c>IClassFixture&lt;T&gt;</c>, <c>ICollectionFixture&lt;T&gt;</c>, <c>[assembly: AssemblyFixture(typeof(T))]</c>):
/// started and steady before the first test, stopped after the last. Derive from it and override
/// <see cref="Configure"/> to set the options. A failure to start is kept and thrown by
/// <see cref="Traffic"/>, in the tests that use it. Monitor lines and the final summary go to the
/// diagnostic message sink (shown with <c>"diagnosticMessages": true</c> in xunit.runner.json).
/// <code>
/// public sealed class BackendTraffic(IMessageSink sink) : SharedTrafficFixture(sink)
/// {
///     protected override void Configure(ContinuousTrafficOptions options) => options.Connections = 50;
/// }
/// </code>
/// </summary>
/// <param name="messageSink">The diagnostic message sink xUnit gives a fixture's constructor; <see langword="null"/> to log nothing.</param>
public class SharedTrafficFixture(IMessageSink? messageSink) : IAsyncLifetime
{
    private ContinuousTraffic? _traffic;
    private CtrafficServer? _server;
    private ExceptionDispatchInfo? _startFailure;

    /// <summary>The traffic, running and steady since the fixture was initialized.</summary>
    /// <exception cref="InvalidOperationException">The fixture is not initialized.</exception>
    /// <remarks>Throws, as it was thrown, what made the start fail (an invalid option, a target not steady in time).</remarks>
    public ContinuousTraffic Traffic
    {
        get
        {
            _startFailure?.Throw();
            return _traffic ?? throw new InvalidOperationException("the fixture is not initialized: xUnit initializes it before the first test that uses it");
        }
    }

    /// <summary>Starts the traffic and waits until it is steady; a failure is kept for <see cref="Traffic"/>.</summary>
    public virtual async ValueTask InitializeAsync()
    {
        var options = new ContinuousTrafficOptions();
        try
        {
            Configure(options);
            _server = options.Server;
            var log = options.Log;
            options.Log = line =>
            {
                Log(line);
                log?.Invoke(line);
            };
            var stopped = options.Stopped;
            options.Stopped = report =>
            {
                Log(TrafficSummary.Paragraph(report));
                stopped?.Invoke(report);
            };
            var cancellationToken = TestContext.Current.CancellationToken;
            _traffic = ContinuousTraffic.Start(options, cancellationToken);
            await _traffic.WaitForSteadyStateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Log($"traffic to {_traffic.Address} is steady: {options.Connections} connections");
        }
        catch (Exception e)
        {
            // Kept and thrown where the traffic is used, so the tests that need it fail with the cause.
            Log($"traffic failed to start: {e.Message}");
            _startFailure = ExceptionDispatchInfo.Capture(e);
        }
    }

    /// <summary>Stops the traffic (its summary goes to the message sink) and releases every socket.</summary>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Sets the options of the traffic; the defaults are those of <see cref="ContinuousTrafficOptions"/>.
    /// A <see cref="ContinuousTrafficOptions.Server"/> set here belongs to the fixture: it is disposed with it.
    /// </summary>
    /// <param name="options">The options to set.</param>
    protected virtual void Configure(ContinuousTrafficOptions options)
    {
    }

    /// <summary>Stops and disposes the traffic; override to release more, calling the base.</summary>
    protected virtual async ValueTask DisposeAsyncCore()
    {
        if (_traffic is not null)
        {
            await _traffic.DisposeAsync().ConfigureAwait(false);
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends <paramref name="message"/> to the diagnostic message sink, prefixed with the fixture's type name.</summary>
    /// <param name="message">The message.</param>
    protected void Log(string message) => messageSink?.OnMessage(new DiagnosticMessage("[{0}] {1}", GetType().Name, message));
}
