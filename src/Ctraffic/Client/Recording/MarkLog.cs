using Ctraffic.Reports;

namespace Ctraffic.Client.Recording;

/// <summary>The marks of a run in the order they were made; a disruption's mark gets its end later. Thread-safe.</summary>
internal sealed class MarkLog
{
    private readonly Lock _gate = new();
    private readonly List<Mark> _marks = [];

    /// <summary>Adds a mark at <paramref name="at"/> (from the start of the run); returns its index, for <see cref="End"/>.</summary>
    public int Add(string name, TimeSpan at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            _marks.Add(new Mark(name, at));
            return _marks.Count - 1;
        }
    }

    /// <summary>Ends the span of the mark at <paramref name="index"/> at <paramref name="at"/>.</summary>
    public void End(int index, TimeSpan at)
    {
        lock (_gate)
        {
            _marks[index] = _marks[index] with { End = at };
        }
    }

    /// <summary>The marks so far.</summary>
    public Mark[] ToArray()
    {
        lock (_gate)
        {
            return [.. _marks];
        }
    }
}
