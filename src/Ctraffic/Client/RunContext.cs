using Ctraffic.Client.Lanes;
using Ctraffic.Client.Recording;
using Ctraffic.Internal;
using Ctraffic.Statistics;

namespace Ctraffic.Client;

/// <summary>What the parts of one run share: its clocks, its end, its pacer and recorder, and how it stops.</summary>
/// <param name="Time">The run's clock (<see cref="TrafficOptions.TimeProvider"/>).</param>
/// <param name="Clock">The run's time base: its start timestamp and tick conversions.</param>
/// <param name="Deadline">The timestamp at which the run's duration ends (<see cref="long.MaxValue"/>: none).</param>
/// <param name="Pacer">Wakes lanes at their timestamps.</param>
/// <param name="Recorder">Where everything that happens is counted.</param>
/// <param name="RequestStop">Stops the run for a reason (e.g. the source addresses ran out).</param>
/// <param name="Stop">Cancelled when the run stops.</param>
/// <param name="Ends">Sees TCP connections end when they happen; <see langword="null"/> where it cannot (then at the next packet).</param>
internal sealed record RunContext(
    TimeProvider Time,
    RunClock Clock,
    long Deadline,
    Pacer Pacer,
    TrafficRecorder Recorder,
    Action<TrafficEndReason> RequestStop,
    EndWatch? Ends,
    CancellationToken Stop);
