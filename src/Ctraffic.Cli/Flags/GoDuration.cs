using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Ctraffic.Cli.Flags;

/// <summary>Go's <c>time.ParseDuration</c> syntax: <c>500ms</c>, <c>10s</c>, <c>1m30s</c>, <c>1.5h</c>, <c>0</c>.</summary>
internal static class GoDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", 0.01),
        ("us", 10),
        ("µs", 10),
        ("μs", 10),
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
    ];

    public static bool TryParse(string text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        error = $"invalid duration \"{text}\" (write e.g. 500ms, 10s, 1m30s, 1h)";
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            error = null;
            return true;
        }

        if (s.Length == 0)
        {
            return false;
        }

        double ticks = 0;
        while (s.Length > 0)
        {
            var i = 0;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (i == 0 || !double.TryParse(s[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            s = s[i..];
            var j = 0;
            while (j < s.Length && !char.IsAsciiDigit(s[j]) && s[j] != '.')
            {
                j++;
            }

            var unit = s[..j].ToString();
            var match = Array.FindIndex(Units, u => u.Unit == unit);
            if (match < 0)
            {
                error = unit.Length == 0
                    ? $"invalid duration \"{text}\": missing unit (ns, us, ms, s, m, h)"
                    : $"invalid duration \"{text}\": unknown unit \"{unit}\" (ns, us, ms, s, m, h)";
                return false;
            }

            ticks += number * Units[match].Ticks;
            s = s[j..];
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            error = $"invalid duration \"{text}\": too long";
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(negative ? -ticks : ticks));
        error = null;
        return true;
    }

    /// <summary>Formats as Go's <c>Duration.String</c> does for whole units: <c>10s</c>, <c>1m30s</c>, <c>500ms</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value < TimeSpan.FromSeconds(1))
        {
            return value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        }

        var result = "";
        if (value.TotalHours >= 1)
        {
            result += ((long)value.TotalHours).ToString(CultureInfo.InvariantCulture) + "h";
        }

        if (value.TotalMinutes >= 1)
        {
            result += value.Minutes.ToString(CultureInfo.InvariantCulture) + "m";
        }

        var seconds = value.Seconds + (value.Ticks % TimeSpan.TicksPerSecond / (double)TimeSpan.TicksPerSecond);
        return result + seconds.ToString("0.#########", CultureInfo.InvariantCulture) + "s";
    }
}
