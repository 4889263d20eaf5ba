using System.Collections.Immutable;

namespace Ctraffic.Testing;

/// <summary>
/// Something that disrupts — a server, a balancer, a fault — and marks each of its disruptions on
/// every recorder that watches it (the traffic that goes through it attaches itself).
/// </summary>
public abstract class DisruptionSource
{
    private ImmutableArray<IDisruptionRecorder> _recorders = [];

    /// <summary>Marks this source's disruptions on <paramref name="recorder"/> from now on.</summary>
    /// <param name="recorder">Usually a <see cref="ContinuousTraffic"/>; it is attached once however often this is called.</param>
    /// <returns>Stops marking on <paramref name="recorder"/> when disposed.</returns>
    public virtual IDisposable RecordOn(IDisruptionRecorder recorder)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ImmutableInterlocked.Update(ref _recorders, static (list, r) => list.Contains(r) ? list : list.Add(r), recorder);
        return new Detach(this, recorder);
    }

    /// <summary>Marks <paramref name="name"/> on every attached recorder.</summary>
    /// <param name="name">The mark's name.</param>
    protected void Mark(string name)
    {
        foreach (var recorder in _recorders)
        {
            recorder.Mark(name);
        }
    }

    /// <summary>Starts the disruption <paramref name="name"/> on every attached recorder.</summary>
    /// <param name="name">The disruption's name.</param>
    /// <returns>Ends it on all of them when disposed (once).</returns>
    protected IDisposable BeginDisruption(string name)
    {
        var recorders = _recorders;
        return recorders.Length switch
        {
            0 => NoSpan.Instance,
            1 => recorders[0].Disruption(name),
            _ => new Spans([.. recorders.Select(r => r.Disruption(name))]),
        };
    }

    private sealed class Detach(DisruptionSource source, IDisruptionRecorder recorder) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                ImmutableInterlocked.Update(ref source._recorders, static (list, r) => list.Remove(r), recorder);
            }
        }
    }

    private sealed class Spans(IDisposable[] spans) : IDisposable
    {
        public void Dispose()
        {
            foreach (var span in spans)
            {
                span.Dispose();
            }
        }
    }

    private sealed class NoSpan : IDisposable
    {
        public static readonly NoSpan Instance = new();

        public void Dispose()
        {
        }
    }
}
