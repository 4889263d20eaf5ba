namespace Ctraffic.Reports;

/// <summary>
/// The due and unanswered packets of a span of a run per cell: the 100 ms slices of the run,
/// clipped to the span (so the first and last cells may be shorter). Due and outage time are
/// integrals over the connections' lives and outages, exact for any span; lost packets are counted
/// by the slice parts that start in a cell (parts start at slice edges and marks). Pure arithmetic
/// over the report's data: tested with made-up runs.
/// </summary>
internal sealed class AvailabilityCells
{
    private readonly long _start;
    private readonly long _stop;
    private readonly long _grid;
    private readonly long _firstGrid;
    private readonly double[] _due;
    private readonly double[] _unanswered;

    private AvailabilityCells(ReportData data, TimeWindow span, bool toEnd)
    {
        _grid = data.ToTime(data.Slices.SliceTicks).Ticks;
        _start = Math.Max(0, span.Start.Ticks);
        _stop = Math.Max(_start, Math.Min(span.End.Ticks, data.End.Ticks));
        _firstGrid = ((_start / _grid) + 1) * _grid;
        var count = _stop <= _start ? 0 : _stop <= _firstGrid ? 1 : 1 + (int)((_stop - _firstGrid + _grid - 1) / _grid);
        _due = new double[count];
        _unanswered = new double[count];
        if (count == 0)
        {
            return;
        }

        var interval = (double)data.PacketInterval.Ticks;
        var dueTicks = Integrate(data.Lives.Select(l => (l.Start.Ticks, l.End.Ticks)));
        // An outage starts when the missing echo was due, but that echo was in time until the
        // threshold had passed: the packets due from then on are the unanswered ones. So a window
        // that ends at a disruption does not take the silence the disruption began.
        var late = data.OutageThreshold.Ticks;
        var outageTicks = Integrate(data.Outages.Select(o => (o.Start.Ticks + late, o.End.Ticks)));
        var lost = LostPerCell(data, toEnd);
        for (var i = 0; i < count; i++)
        {
            _due[i] = dueTicks[i] / interval;
            _unanswered[i] = Math.Min(_due[i], Math.Max(outageTicks[i] / interval, lost[i]));
        }
    }

    /// <summary>The number of cells.</summary>
    public int Count => _due.Length;

    /// <summary>The cells of <paramref name="span"/> of the run of <paramref name="data"/>; <paramref name="toEnd"/>: the span ends with the run, so the parts at its end are in it.</summary>
    public static AvailabilityCells Of(ReportData data, TimeWindow span, bool toEnd) => new(data, span, toEnd);

    /// <summary>The availability of the whole span.</summary>
    public Availability Total() => Sum(0, Count);

    /// <summary>
    /// Every window of about <paramref name="length"/> sliding over the span one cell at a time:
    /// the fewest whole cells from each cell on that last <paramref name="length"/> (so a window is
    /// up to one cell longer); the whole span if it is shorter.
    /// </summary>
    public List<AvailabilityWindow> Sliding(TimeSpan length)
    {
        var windows = new List<AvailabilityWindow>();
        if (Count == 0)
        {
            return windows;
        }

        if (_stop - _start <= length.Ticks)
        {
            windows.Add(new AvailabilityWindow(new TimeWindow(TimeSpan.FromTicks(_start), TimeSpan.FromTicks(_stop)), Total()));
            return windows;
        }

        var end = 0;
        for (var first = 0; first < Count; first++)
        {
            end = Math.Max(end, first + 1);
            while (end < Count && CellEnd(end - 1) - CellStart(first) < length.Ticks)
            {
                end++;
            }

            if (CellEnd(end - 1) - CellStart(first) < length.Ticks)
            {
                break;
            }

            windows.Add(new AvailabilityWindow(new TimeWindow(TimeSpan.FromTicks(CellStart(first)), TimeSpan.FromTicks(CellEnd(end - 1))), Sum(first, end)));
        }

        return windows;
    }

    private Availability Sum(int from, int to)
    {
        double due = 0, unanswered = 0;
        for (var i = from; i < to; i++)
        {
            due += _due[i];
            unanswered += _unanswered[i];
        }

        return new Availability(due, unanswered);
    }

    private long CellStart(int i) => i == 0 ? _start : _firstGrid + ((i - 1) * _grid);

    private long CellEnd(int i) => Math.Min(_stop, _firstGrid + (i * _grid));

    private int CellOf(long t) => t < _firstGrid ? 0 : Math.Min(Count - 1, 1 + (int)((t - _firstGrid) / _grid));

    /// <summary>Per cell, the ticks covered by the spans, added up (a span covering a cell twice counts twice).</summary>
    private double[] Integrate(IEnumerable<(long Start, long End)> spans)
    {
        var partial = new double[Count];
        var whole = new int[Count + 1];
        foreach (var (s, e) in spans)
        {
            var (a, b) = (Math.Max(s, _start), Math.Min(e, _stop));
            if (b <= a)
            {
                continue;
            }

            var (i, j) = (CellOf(a), CellOf(b == _stop ? b - 1 : b));
            if (i == j)
            {
                partial[i] += b - a;
                continue;
            }

            // The first and last cells in part, those between whole.
            partial[i] += CellEnd(i) - a;
            partial[j] += b - CellStart(j);
            whole[i + 1]++;
            whole[j]--;
        }

        var running = 0;
        for (var c = 0; c < Count; c++)
        {
            running += whole[c];
            partial[c] += running * (double)(CellEnd(c) - CellStart(c));
        }

        return partial;
    }

    /// <summary>Per cell, the packets lost (UDP datagrams without a reply, TCP packets in flight on a lost connection) of the slice parts that start in it.</summary>
    private double[] LostPerCell(ReportData data, bool toEnd)
    {
        var lost = new double[Count];
        var slices = data.Slices;
        var first = (int)(_start / _grid);
        var last = (int)Math.Min(slices.Count - 1, _stop / _grid);
        for (var index = first; index <= last; index++)
        {
            for (var part = slices.Get(index); part is not null; part = part.Next)
            {
                var t = data.ToTime(part.StartTicks).Ticks;
                if (t >= _start && (t < _stop || (toEnd && t == _stop)))
                {
                    lost[CellOf(t)] += Interlocked.Read(ref part.Lost) + Interlocked.Read(ref part.LostInFlight);
                }
            }
        }

        return lost;
    }
}
