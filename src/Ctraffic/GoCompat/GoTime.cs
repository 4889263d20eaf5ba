using System.Globalization;

namespace Ctraffic.GoCompat;

/// <summary>
/// Times as Go's <c>time.RFC3339Nano</c> writes them: UTC, up to 9 fractional digits with the
/// trailing zeros left out (<c>2020-01-02T03:04:05.5Z</c>).
/// </summary>
internal static class GoTime
{
    /// <summary>Formats a time as Go's RFC 3339 with nanoseconds; <see cref="DateTimeOffset"/> holds 100 ns, so the last two digits are 0.</summary>
    public static string FormatRfc3339Nano(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var s = utc.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        var ticks = utc.Ticks % TimeSpan.TicksPerSecond;
        if (ticks != 0)
        {
            s += "." + (ticks * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        }

        return s + "Z";
    }

    /// <summary>
    /// Reads an RFC 3339 time as Go writes it. Go writes up to 9 fractional digits and .NET keeps 7
    /// (100 ns): the time is cut to 100 ns, never rounded, and the nanoseconds cut off (the 8th and
    /// 9th digits, 0 to 99) are returned beside it.
    /// </summary>
    /// <returns>The time in UTC and the nanoseconds below its 100 ns, or <see langword="null"/> if <paramref name="s"/> is not a time.</returns>
    public static (DateTimeOffset Time, int Nanoseconds)? ParseRfc3339(string s)
    {
        var text = s;
        var nanoseconds = 0;
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end]))
            {
                end++;
            }

            // The 8th and 9th digits, each 0 if not written.
            for (var i = dot + 8; i < dot + 10; i++)
            {
                nanoseconds = (nanoseconds * 10) + (i < end ? s[i] - '0' : 0);
            }

            text = s[..Math.Min(end, dot + 8)] + s[end..];
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? (t.ToUniversalTime(), nanoseconds)
            : null;
    }
}
