using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ctraffic.Examples.AspNetCore;

/// <summary>
/// The app under test, built as its Program.cs would between <c>WebApplication.CreateBuilder(args)</c>
/// and <c>app.Run()</c>: <c>GET /</c> answers at once, <c>GET /report</c> takes <see cref="ShopReports.Duration"/>.
/// </summary>
public static class ShopApp
{
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ShopReports>();
        var app = builder.Build();
        app.MapGet("/", () => "welcome to the shop\n");
        app.MapGet("/report", (ShopReports reports, CancellationToken aborted) => reports.MakeAsync(aborted));
        return app;
    }
}

/// <summary>
/// The reports: how long one takes (20 ms; a month-end makes it more), and how many slow ones (a
/// second or more, as <see cref="Duration"/> was when each began) are being made.
/// </summary>
public sealed class ShopReports
{
    private long _duration = TimeSpan.FromMilliseconds(20).Ticks;
    private int _slowInProgress;

    public TimeSpan Duration
    {
        get => TimeSpan.FromTicks(Volatile.Read(ref _duration));
        set => Volatile.Write(ref _duration, value.Ticks);
    }

    public int SlowInProgress => Volatile.Read(ref _slowInProgress);

    public async Task<string> MakeAsync(CancellationToken aborted)
    {
        var duration = Duration;
        var slow = duration >= TimeSpan.FromSeconds(1);
        if (slow)
        {
            Interlocked.Increment(ref _slowInProgress);
        }

        try
        {
            await Task.Delay(duration, TimeProvider.System, aborted);
            return "report\n";
        }
        finally
        {
            if (slow)
            {
                Interlocked.Decrement(ref _slowInProgress);
            }
        }
    }
}
