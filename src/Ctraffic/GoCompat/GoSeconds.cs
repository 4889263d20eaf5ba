namespace Ctraffic.GoCompat;

/// <summary>Go's <c>time.Duration.Seconds()</c>: whole seconds plus the rest, so that e.g. 5504782515 ns is 5.5047825150000005.</summary>
internal static class GoSeconds
{
    public const long Second = 1_000_000_000;

    public static double From(long nanoseconds)
        => (double)(nanoseconds / Second) + ((double)(nanoseconds % Second) / 1e9);
}
