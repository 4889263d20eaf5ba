using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

/// <summary>
/// Listens to the runtime's GC AllocationTick events (one per about 100 KB allocated, with the type
/// of the object that crossed the mark) and keeps, per type, how many ticks and how many bytes they
/// stand for: a sampled allocation profile of the process by type. Rewrites <c>file</c> every 2 s.
/// Enabled with CTRAFFIC_PROBE_ALLOC=1.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, (long Ticks, long Bytes)> _byType = [];
    private readonly Lock _gate = new();
    private string? _file;

    public void Start(string file)
    {
        _file = file;
        var thread = new Thread(Flush) { IsBackground = true, Name = "ctraffic-probe-alloc" };
        thread.Start();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        string type = "?";
        long amount = 0;
        for (var i = 0; i < eventData.Payload.Count; i++)
        {
            switch (eventData.PayloadNames?[i])
            {
                case "TypeName":
                    type = eventData.Payload[i] as string ?? "?";
                    break;
                case "AllocationAmount64":
                    amount = Convert.ToInt64(eventData.Payload[i], CultureInfo.InvariantCulture);
                    break;
                case "AllocationAmount" when amount == 0:
                    amount = Convert.ToInt64(eventData.Payload[i], CultureInfo.InvariantCulture);
                    break;
            }
        }

        lock (_gate)
        {
            _byType.TryGetValue(type, out var v);
            _byType[type] = (v.Ticks + 1, v.Bytes + amount);
        }
    }

    private void Flush()
    {
        while (true)
        {
            Thread.Sleep(2000);
            var text = new StringBuilder();
            lock (_gate)
            {
                foreach (var (type, (ticks, bytes)) in _byType.OrderByDescending(kv => kv.Value.Bytes))
                {
                    text.Append(CultureInfo.InvariantCulture, $"{bytes} {ticks} {type}\n");
                }
            }

            File.WriteAllText(_file!, text.ToString());
        }
    }
}
