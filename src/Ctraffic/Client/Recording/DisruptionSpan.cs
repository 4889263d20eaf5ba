using System.Diagnostics;
using Ctraffic.Telemetry;

namespace Ctraffic.Client.Recording;

/// <summary>
/// A disruption's mark still open, and its activity (if anyone listens to the source
/// <see cref="CtrafficTelemetry.ActivitySourceName"/>): disposing it (once; again does nothing)
/// marks the end of its span and stops the activity with what crossed the disruption.
/// </summary>
internal sealed class DisruptionSpan : IDisposable
{
    private static readonly ActivitySource Source = new(CtrafficTelemetry.ActivitySourceName, typeof(DisruptionSpan).Assembly.GetName().Version?.ToString());

    private readonly TrafficRecorder _recorder;
    private readonly int _index;
    private readonly TimeProvider _time;
    private readonly Activity? _activity;
    private int _disposed;

    public DisruptionSpan(TrafficRecorder recorder, string name, Func<Reports.DisruptionContact>? contact, TimeProvider time, HostPort address)
    {
        _recorder = recorder;
        _time = time;
        // The disruption's activity is a child of the caller's, but does not become the current one:
        // a disruption may end in another flow than it began in, and other disruptions overlap it.
        // Its times are the run's clock (TimeProvider), as every other time of the run.
        var current = Activity.Current;
        _activity = Source.StartActivity(CtrafficTelemetry.DisruptionActivity, ActivityKind.Internal, parentContext: default, startTime: time.GetUtcNow());
        Activity.Current = current;
        if (_activity is not null)
        {
            _activity.DisplayName = name;
            _activity.SetTag("ctraffic.disruption.name", name);
            _activity.SetTag("server.address", address.Host);
            _activity.SetTag("server.port", address.Port);
        }

        _index = recorder.Disruption(name, time.GetTimestamp(), contact);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var contact = _recorder.EndMark(_index, _time.GetTimestamp());
        if (_activity is null)
        {
            return;
        }

        if (contact is not null)
        {
            _activity.SetTag("ctraffic.disruption.source", contact.Source);
            _activity.SetTag("ctraffic.disruption.connections", contact.Connections);
            _activity.SetTag("ctraffic.disruption.packets", contact.Packets);
            _activity.SetTag("ctraffic.disruption.bytes", contact.Bytes);
        }

        _activity.SetEndTime(_time.GetUtcNow().UtcDateTime);
        _activity.Stop();
    }
}
