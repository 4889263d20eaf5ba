using Ctraffic.Reports;

namespace Ctraffic.Client.Recording;

/// <summary>
/// The marks of a run in the order they were made; a disruption's mark gets its end later, and
/// what crossed it (<see cref="DisruptionContact"/>) if its source counts that. Thread-safe.
/// </summary>
internal sealed class MarkLog
{
    private readonly Lock _gate = new();
    private readonly List<Mark> _marks = [];
    private readonly List<Entry> _entries = [];

    /// <summary>
    /// Adds a mark at <paramref name="at"/> (from the start of the run), a disruption's if
    /// <paramref name="disruption"/>, whose <paramref name="contact"/> (if any) is asked what crossed
    /// it; returns its index, for <see cref="End"/>.
    /// </summary>
    public int Add(string name, TimeSpan at, bool disruption = false, Func<DisruptionContact>? contact = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            _marks.Add(new Mark(name, at));
            _entries.Add(new Entry(disruption, contact));
            return _marks.Count - 1;
        }
    }

    /// <summary>Ends the span of the mark at <paramref name="index"/> at <paramref name="at"/>; what crossed it is asked now, once, and returned.</summary>
    public DisruptionContact? End(int index, TimeSpan at)
    {
        Func<DisruptionContact>? contact;
        lock (_gate)
        {
            _marks[index] = _marks[index] with { End = at };
            contact = _entries[index].Contact;
        }

        var final = Ask(contact);
        lock (_gate)
        {
            _entries[index] = _entries[index] with { Final = final, Contact = null };
        }

        return final;
    }

    /// <summary>The marks so far.</summary>
    public Mark[] ToArray()
    {
        lock (_gate)
        {
            return [.. _marks];
        }
    }

    /// <summary>The marks so far that are disruptions, with what crossed each (asked now for one still going on).</summary>
    public IReadOnlyDictionary<int, DisruptionContact?> Disruptions()
    {
        List<(int Index, Entry Entry)> spans;
        lock (_gate)
        {
            spans = [.. _entries.Select((e, i) => (i, e)).Where(x => x.e.Disruption)];
        }

        return spans.ToDictionary(s => s.Index, s => s.Entry.Final ?? Ask(s.Entry.Contact));
    }

    private static DisruptionContact? Ask(Func<DisruptionContact>? contact)
    {
        try
        {
            return contact?.Invoke();
        }
#pragma warning disable CA1031 // What a source counts is evidence, not the run: a source that fails to say gives none.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private sealed record Entry(bool Disruption, Func<DisruptionContact>? Contact, DisruptionContact? Final = null);
}
