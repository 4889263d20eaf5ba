namespace Ctraffic.Client;

/// <summary>
/// The rules of the traffic options, written once: default, range and reason of every number,
/// duration and rate of <see cref="TrafficOptions"/>. <see cref="TrafficOptions.Validate"/>, the test
/// library's options, the command's flags and the client container all check against these, so
/// every duration, size and rate is bounded the same way everywhere and no value reaches the
/// limit of a timer, a delay or a buffer.
/// </summary>
public static class TrafficOptionRules
{
    /// <summary>Number of connections: 1 to <see cref="TrafficOptions.MaximumConnections"/>; the default value is 1.</summary>
    public static OptionRule<int> Connections { get; } = new(nameof(TrafficOptions.Connections), 1, 1, TrafficOptions.MaximumConnections);

    /// <summary>Connection slots per connection: at least 1 (and connections × retries at most <see cref="int.MaxValue"/>); the default value is 10.</summary>
    public static OptionRule<int> Retries { get; } = new(nameof(TrafficOptions.Retries), 10, 1, null);

    /// <summary>Length of a run: positive, at most <see cref="TrafficOptions.MaximumDuration"/>; the default value is 10 seconds.</summary>
    public static OptionRule<TimeSpan> Duration { get; } = new(nameof(TrafficOptions.Duration), TimeSpan.FromSeconds(10), TimeSpan.Zero, TrafficOptions.MaximumDuration, positive: true);

    /// <summary>Packet size: at most <see cref="TrafficOptions.MaximumPacketSize"/> bytes (smaller than 64 is raised to 64); the default value is 1024.</summary>
    public static OptionRule<int> PacketSize { get; } = new(nameof(TrafficOptions.PacketSize), 1024, null, TrafficOptions.MaximumPacketSize, "bytes");

    /// <summary>Total rate in KB/s: positive, at most <see cref="TrafficOptions.MaximumRateKBps"/>; the default value is 10.</summary>
    public static OptionRule<double> RateKBps { get; } = new(nameof(TrafficOptions.RateKBps), 10, 0, TrafficOptions.MaximumRateKBps, "KB/s", positive: true);

    /// <summary>Total requests per second: positive, at most <see cref="TrafficOptions.MaximumRequestRate"/>; the default value is 10.</summary>
    public static OptionRule<double> RequestRate { get; } = new(nameof(TrafficOptions.RequestRate), 10, 0, TrafficOptions.MaximumRequestRate, "requests/s", positive: true);

    /// <summary>Read time-out: positive, at most <see cref="TrafficOptions.MaximumWait"/>; the default value is 1 second.</summary>
    public static OptionRule<TimeSpan> ReadTimeout { get; } = new(nameof(TrafficOptions.ReadTimeout), TimeSpan.FromSeconds(1), TimeSpan.Zero, TrafficOptions.MaximumWait, positive: true);

    /// <summary>Connect time-out: positive, at most <see cref="TrafficOptions.MaximumWait"/>; the default value is 1.5 seconds.</summary>
    public static OptionRule<TimeSpan> ConnectTimeout { get; } = new(nameof(TrafficOptions.ConnectTimeout), TimeSpan.FromSeconds(1.5), TimeSpan.Zero, TrafficOptions.MaximumWait, positive: true);

    /// <summary>Longest connect back-off: 100 ms to <see cref="TrafficOptions.MaximumWait"/>; the default value is 1 second.</summary>
    public static OptionRule<TimeSpan> MaxConnectBackoff { get; } = new(nameof(TrafficOptions.MaxConnectBackoff), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100), TrafficOptions.MaximumWait);

    /// <summary>Outage threshold: zero to <see cref="TrafficOptions.MaximumWait"/>; the default value is 100 ms.</summary>
    public static OptionRule<TimeSpan> OutageThreshold { get; } = new(nameof(TrafficOptions.OutageThreshold), TimeSpan.FromMilliseconds(100), TimeSpan.Zero, TrafficOptions.MaximumWait);
}
