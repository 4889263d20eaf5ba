using System.Globalization;

namespace Ctraffic.Reports;

/// <summary>
/// The share of the packets (requests) due in a window that were answered in time. A connection
/// is due one packet per packet interval from its first echo to the end of the run, whether or not
/// its sender could send it (a connection that is down, reconnecting or falling behind owes every
/// packet of its pace). A due packet is <em>answered in time</em> when an echo came within the
/// outage threshold of its due time (so: unless it falls in an outage of its connection, counted
/// from the threshold after the outage's start, see <see cref="Outage"/>) and it was not lost (a UDP
/// datagram without a reply, a TCP packet in flight on a lost connection, an HTTP request that
/// failed or got an error response). Counted per 100 ms
/// slice: the unanswered packets of a slice are the larger of the due packets in outages and the
/// packets lost (a lost packet usually lies in an outage of its connection, and is counted once).
/// </summary>
/// <param name="Due">Packets due in the window: the connections' time from their first echo, over the packet interval.</param>
/// <param name="Unanswered">Of those, the packets not answered in time.</param>
public readonly record struct Availability(double Due, double Unanswered)
{
    /// <summary>The due packets answered in time.</summary>
    public double Answered => Due - Unanswered;

    /// <summary>
    /// The answered share of the due packets, in percent (0 to 100); 100 when nothing was due (no
    /// connection had echoed yet: see <see cref="Due"/>).
    /// </summary>
    public double Percent => Due <= 0 ? 100 : Math.Clamp(100 - (100 * Unanswered / Due), 0, 100);

    /// <summary>
    /// The share of the error budget of <paramref name="targetPercent"/> that the unanswered packets
    /// used, in percent: the budget is the <c>100 - targetPercent</c> % of the due packets that may go
    /// unanswered. 50 is half of it, above 100 more than it allows.
    /// </summary>
    /// <param name="targetPercent">The availability target, e.g. 99.9; more than 0, less than 100.</param>
    /// <returns>The budget used, in percent; 0 when nothing was due.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetPercent"/> is not in (0, 100).</exception>
    public double ErrorBudgetUsed(double targetPercent)
    {
        CheckTarget(targetPercent, nameof(targetPercent));
        return Due <= 0 ? 0 : 100 * Unanswered / (Due * (100 - targetPercent) / 100);
    }

    /// <inheritdoc/>
    public override string ToString()
        => Due <= 0 ? "nothing due" : $"{FormatPercent(Percent)} ({Packets(Unanswered)} of {Packets(Due)} due packets unanswered in time)";

    /// <summary>A percentage as messages write it: <c>99.95 %</c>, never rounded up to 100 %.</summary>
    internal static string FormatPercent(double percent)
    {
        var floored = Math.Floor(percent * 100) / 100;
        return floored.ToString("0.##", CultureInfo.InvariantCulture) + " %";
    }

    /// <summary>A count of packets as messages write it: whole packets, or one decimal below 10.</summary>
    internal static string Packets(double packets)
        => packets.ToString(packets < 10 ? "0.#" : "0", CultureInfo.InvariantCulture);

    /// <summary>Throws unless <paramref name="percent"/> is in (0, 100).</summary>
    internal static double CheckTarget(double percent, string name)
        => percent is > 0 and < 100
            ? percent
            : throw new ArgumentOutOfRangeException(name, percent, $"{name}: an availability target is more than 0 and less than 100 (percent), was {percent.ToString(CultureInfo.InvariantCulture)}.");
}
