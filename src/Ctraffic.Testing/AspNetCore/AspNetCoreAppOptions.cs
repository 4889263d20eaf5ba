using System.Globalization;
using Ctraffic.Server.Http;

namespace Ctraffic.Testing;

/// <summary>
/// How the instances of an <see cref="AspNetCoreApp"/> are started, answer and stop. Every property
/// has a documented default; <see cref="Validate"/> names a bad one.
/// </summary>
public sealed class AspNetCoreAppOptions
{
    /// <summary>The longest <see cref="ShutdownTimeout"/> and <see cref="StartTimeout"/>: 5 minutes, so that no test waits for ever.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Serve HTTP/2 without TLS (h2c with prior knowledge, for <see cref="Client.TrafficClient.Http2"/>
    /// and <see cref="Client.TrafficClient.Grpc"/>) rather than HTTP/1.1: Kestrel serves both on one
    /// port only with TLS. The default value is <see langword="false"/>: HTTP/1.1.
    /// </summary>
    public bool Http2 { get; set; }

    /// <summary>
    /// The response header that names the instance (its host name) on every response, as the
    /// ctraffic HTTP server's does; the traffic's <see cref="ContinuousTrafficOptions.HostHeader"/>
    /// must be the same. The default value is <c>ctraffic-host</c>.
    /// </summary>
    public string HostHeader { get; set; } = HttpServer.DefaultHostHeader;

    /// <summary>
    /// The host's <c>HostOptions.ShutdownTimeout</c>: how long a graceful stop
    /// (<see cref="CtrafficServer.StopAsync"/>) lets requests in flight finish before Kestrel aborts
    /// their connections; 0 to <see cref="MaxTimeout"/>. It overrides the app's own setting. The
    /// default value is <see langword="null"/>: the app's own (30 seconds unless the app sets it).
    /// </summary>
    public TimeSpan? ShutdownTimeout { get; set; }

    /// <summary>How long a start (and a start again) may take until the instance serves; more than 0, at most <see cref="MaxTimeout"/>. The default value is 30 seconds.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The command-line arguments the app's <c>WebApplicationBuilder</c> gets (<see cref="AspNetCoreApp.Create"/>),
    /// e.g. <c>--Shop:Discount=10</c> for its configuration. The default value is none.
    /// </summary>
    public IList<string> Args { get; } = [];

    /// <summary>The clock of <see cref="StartTimeout"/>. The default value is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(HostHeader) || HostHeader.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"{nameof(HostHeader)}: must be a header name of letters, digits, '-', '_' or '.', was \"{HostHeader}\"", nameof(HostHeader));
        }

        if (ShutdownTimeout is { } shutdown && (shutdown < TimeSpan.Zero || shutdown > MaxTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), shutdown, string.Create(CultureInfo.InvariantCulture, $"{nameof(ShutdownTimeout)}: must be 0 to {MaxTimeout}, was {shutdown}"));
        }

        if (StartTimeout <= TimeSpan.Zero || StartTimeout > MaxTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(StartTimeout), StartTimeout, string.Create(CultureInfo.InvariantCulture, $"{nameof(StartTimeout)}: must be more than 0 and at most {MaxTimeout}, was {StartTimeout}"));
        }

        if (Args.Any(a => a is null))
        {
            throw new ArgumentException($"{nameof(Args)}: holds a null", nameof(Args));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }

    /// <summary>A copy: what the test changes in its options later does not change the app's.</summary>
    internal AspNetCoreAppOptions Clone()
    {
        var clone = new AspNetCoreAppOptions
        {
            Http2 = Http2,
            HostHeader = HostHeader,
            ShutdownTimeout = ShutdownTimeout,
            StartTimeout = StartTimeout,
            TimeProvider = TimeProvider,
        };
        foreach (var arg in Args)
        {
            clone.Args.Add(arg);
        }

        return clone;
    }
}
