using System.Collections.Immutable;

namespace Ctraffic.Testing;

/// <summary>
/// Something that disrupts — a server, a balancer, a fault — and marks each of its disruptions on
/// every recorder that watches it (the traffic that goes through it attaches itself). A source
/// made of others (a balancer and its backends, a proxy and its upstream server, a namespace and
/// its faults) forwards their marks too: every recorder attached to it, now or later, is attached
/// to each of its children, now or later, and detached from them with it.
/// </summary>
public abstract class DisruptionSource
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(IDisruptionRecorder Recorder, DisruptionSource Child), IDisposable> _forwarded = [];
    private ImmutableArray<IDisruptionRecorder> _recorders = [];
    private ImmutableArray<DisruptionSource> _children = [];

    /// <summary>Marks this source's disruptions, and its children's, on <paramref name="recorder"/> from now on.</summary>
    /// <param name="recorder">Usually a <see cref="ContinuousTraffic"/>; it is attached once however often this is called.</param>
    /// <returns>Stops marking on <paramref name="recorder"/> when disposed.</returns>
    public virtual IDisposable RecordOn(IDisruptionRecorder recorder)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        lock (_lock)
        {
            if (!_recorders.Contains(recorder))
            {
                _recorders = _recorders.Add(recorder);
                foreach (var child in _children)
                {
                    _forwarded[(recorder, child)] = child.RecordOn(recorder);
                }
            }
        }

        return new Detach(this, recorder);
    }

    /// <summary>Forwards <paramref name="child"/>'s marks to every recorder attached to this source, now and later.</summary>
    /// <param name="child">A source this one is made of; added once however often this is called.</param>
    private protected void AddChild(DisruptionSource child)
    {
        ArgumentNullException.ThrowIfNull(child);
        lock (_lock)
        {
            if (_children.Contains(child))
            {
                return;
            }

            _children = _children.Add(child);
            foreach (var recorder in _recorders)
            {
                _forwarded[(recorder, child)] = child.RecordOn(recorder);
            }
        }
    }

    /// <summary>Stops forwarding the marks of every child (this source is disposed).</summary>
    private protected void ForgetChildren()
    {
        IDisposable[] detach;
        lock (_lock)
        {
            detach = [.. _forwarded.Values];
            _forwarded.Clear();
            _children = [];
        }

        foreach (var one in detach)
        {
            one.Dispose();
        }
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
    protected IDisposable BeginDisruption(string name) => BeginDisruption(name, null);

    /// <summary>
    /// Starts the disruption <paramref name="name"/> on every attached recorder, with what crossed
    /// it as this source counts it: <paramref name="contact"/> is asked when it ends (see
    /// <see cref="Reports.DisruptionEffect.Contact"/>), so that a disruption no traffic crossed is called out.
    /// </summary>
    /// <param name="name">The disruption's name.</param>
    /// <param name="contact">What crossed the disruption so far, or <see langword="null"/> if this source does not count it.</param>
    /// <returns>Ends it on all of them when disposed (once).</returns>
    protected IDisposable BeginDisruption(string name, Func<Reports.DisruptionContact>? contact)
    {
        var recorders = _recorders;
        return recorders.Length switch
        {
            0 => NoSpan.Instance,
            1 => recorders[0].Disruption(name, contact),
            _ => new Spans([.. recorders.Select(r => r.Disruption(name, contact))]),
        };
    }

    private void Forget(IDisruptionRecorder recorder)
    {
        List<IDisposable> detach = [];
        lock (_lock)
        {
            _recorders = _recorders.Remove(recorder);
            foreach (var key in _forwarded.Keys.Where(k => k.Recorder == recorder).ToList())
            {
                detach.Add(_forwarded[key]);
                _forwarded.Remove(key);
            }
        }

        foreach (var one in detach)
        {
            one.Dispose();
        }
    }

    private sealed class Detach(DisruptionSource source, IDisruptionRecorder recorder) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                source.Forget(recorder);
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
