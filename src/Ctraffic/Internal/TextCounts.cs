using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Ctraffic.Internal;

/// <summary>Counts by text (a status, an error), safe from any thread: an entry is made once, then counted with an interlocked add.</summary>
internal sealed class TextCounts
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _counts = new(StringComparer.Ordinal);

    /// <summary>Counts <paramref name="n"/> more of <paramref name="text"/>.</summary>
    public void Add(string text, long n = 1) => Interlocked.Add(ref _counts.GetOrAdd(text, static _ => new StrongBox<long>()).Value, n);

    /// <summary>Adds the counts now to <paramref name="into"/>.</summary>
    public void AddTo(Dictionary<string, long> into)
    {
        foreach (var (text, count) in _counts)
        {
            into[text] = into.GetValueOrDefault(text) + Interlocked.Read(ref count.Value);
        }
    }
}
