using System.Globalization;

namespace Ctraffic.Client;

/// <summary>
/// How a caller writes the options in its errors: the library by property name
/// (<see cref="Properties"/>), the command by its flags (<c>-nconn</c>) and Go's durations.
/// </summary>
public sealed class OptionNaming
{
    /// <summary>Makes a naming.</summary>
    /// <param name="name">The caller's name of an option, given its property name (e.g. <c>Connections</c> → <c>-nconn</c>).</param>
    /// <param name="duration">How a duration is written, e.g. <c>1h0m0s</c>.</param>
    public OptionNaming(Func<string, string> name, Func<TimeSpan, string> duration)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(duration);
        NameOf = name;
        Duration = duration;
    }

    /// <summary>Options named by their property names, durations in words (<c>100 ms</c>, <c>1 h</c>, <c>10 years</c>).</summary>
    public static OptionNaming Properties { get; } = new(static name => name, Words);

    /// <summary>How a duration is written.</summary>
    public Func<TimeSpan, string> Duration { get; }

    /// <summary>The caller's name of an option, given its property name.</summary>
    public Func<string, string> NameOf { get; }

    /// <summary>A duration in words, in its largest whole unit: <c>100 ms</c>, <c>1.5 s</c>, <c>1 h</c>, <c>10 years</c>.</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>The words.</returns>
    public static string Words(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            return duration == TimeSpan.MinValue ? duration.ToString() : "-" + Words(duration.Negate());
        }

        var year = TimeSpan.FromDays(365);
        return duration == TimeSpan.Zero ? "0"
            : duration.Ticks % year.Ticks == 0 ? Count(duration.Ticks / year.Ticks, "year")
            : duration.Ticks % TimeSpan.TicksPerDay == 0 ? Count(duration.Ticks / TimeSpan.TicksPerDay, "day")
            : duration.Ticks % TimeSpan.TicksPerHour == 0 ? $"{duration.Ticks / TimeSpan.TicksPerHour} h"
            : duration.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{duration.Ticks / TimeSpan.TicksPerMinute} min"
            : duration >= TimeSpan.FromSeconds(1) ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.#######} s")
            : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.####} ms");

        static string Count(long n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
    }
}
