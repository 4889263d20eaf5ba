using System.Diagnostics;
using System.Globalization;

/// <summary>
/// Loaded by the runtime before Main when DOTNET_STARTUP_HOOKS names this assembly (the type must
/// be called StartupHook, in no namespace). Writes one line of counters per period:
/// <c>unix_ms allocated_bytes gen0 gen1 gen2 threadpool_work_items threadpool_threads lock_contentions gc_pause_ms gc_heap_bytes jit_ms jit_methods</c>.
/// The counters are cumulative since the process started, so any window can be taken afterwards.
/// Reading them does not allocate on the process's own threads (the allocated-bytes figure is the precise one); the probe thread allocates a
/// few hundred bytes per line, which the benchmark measures at idle and reports with the figures.
/// </summary>
internal static class StartupHook
{
    private static AllocationSampler? s_allocations;

    public static void Initialize()
    {
        var file = Environment.GetEnvironmentVariable("CTRAFFIC_PROBE_FILE");
        if (string.IsNullOrEmpty(file))
        {
            return;
        }

        var ms = int.TryParse(Environment.GetEnvironmentVariable("CTRAFFIC_PROBE_MS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 250;
        var thread = new Thread(() => Run(file, ms)) { IsBackground = true, Name = "ctraffic-probe" };
        thread.Start();
        if (Environment.GetEnvironmentVariable("CTRAFFIC_PROBE_ALLOC") == "1")
        {
            s_allocations = new AllocationSampler();
            s_allocations.Start(file + ".alloc");
        }
    }

    private static void Run(string file, int periodMs)
    {
        using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        var line = new byte[256];
        var stopwatch = Stopwatch.StartNew();
        var epochMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        while (true)
        {
            var now = epochMs + stopwatch.ElapsedMilliseconds;
            long[] values =
            [
                now,
                GC.GetTotalAllocatedBytes(true),
                GC.CollectionCount(0),
                GC.CollectionCount(1),
                GC.CollectionCount(2),
                ThreadPool.CompletedWorkItemCount,
                ThreadPool.ThreadCount,
                Monitor.LockContentionCount,
                (long)GC.GetTotalPauseDuration().TotalMilliseconds,
                GC.GetTotalMemory(false),
                (long)System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,
                System.Runtime.JitInfo.GetCompiledMethodCount(),
            ];
            var n = 0;
            foreach (var v in values)
            {
                if (n > 0)
                {
                    line[n++] = (byte)' ';
                }

                v.TryFormat(line.AsSpan(n), out var w, default, CultureInfo.InvariantCulture);
                n += w;
            }

            line[n++] = (byte)'\n';
            stream.Write(line, 0, n);
            stream.Flush();
            Thread.Sleep(periodMs);
        }
    }
}
