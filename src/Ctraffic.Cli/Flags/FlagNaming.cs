using System.Globalization;
using Ctraffic.Client;

namespace Ctraffic.Cli.Flags;

/// <summary>The traffic options in the command's words: each option by its flag, durations as Go writes them.</summary>
internal static class FlagNaming
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        [nameof(TrafficOptions.Address)] = "-address",
        [nameof(TrafficOptions.Connections)] = "-nconn",
        [nameof(TrafficOptions.Retries)] = "-retries",
        [nameof(TrafficOptions.Duration)] = "-timeout",
        [nameof(TrafficOptions.PacketSize)] = "-psize",
        [nameof(TrafficOptions.RateKBps)] = "-rate",
        [nameof(TrafficOptions.RequestRate)] = "-rate",
        [nameof(TrafficOptions.Protocol)] = "-udp",
        [nameof(TrafficOptions.Client)] = "-client",
        [nameof(TrafficOptions.HttpPath)] = "-path",
        [nameof(TrafficOptions.HostHeader)] = "-hostheader",
        [nameof(TrafficOptions.Tls)] = "-tls",
        [nameof(TrafficOptions.TlsTrust)] = "-cacert",
    };

    /// <summary>Flags for names, Go's durations (a bound of a day or more also in words: <c>87600h0m0s (10 years)</c>).</summary>
    public static OptionNaming Instance { get; } = new(
        option => Flags.GetValueOrDefault(option, option),
        d => d >= TimeSpan.FromDays(1) ? $"{GoDuration.Format(d)} ({OptionNaming.Words(d)})" : GoDuration.Format(d));

    /// <summary>The value of <paramref name="error"/> as it was given on the command line.</summary>
    public static string Value(OptionError error, CliOptions flags) => error.Option switch
    {
        nameof(TrafficOptions.Protocol) => "true",
        nameof(TrafficOptions.TlsTrust) => flags.CaCert,
        _ => error.Value switch
        {
            TimeSpan d => GoDuration.Format(d),
            bool b => b ? "true" : "false",
            _ => Convert.ToString(error.Value, CultureInfo.InvariantCulture) ?? "",
        },
    };
}
