using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ctraffic.Testing.Tests.AspNetCore;

/// <summary>
/// A small ASP.NET Core app of the tests, as a user's Program.cs would build it: <c>GET /</c>
/// answers at once, <c>GET /orders</c> takes <see cref="Work.Delay"/> (<c>Orders:DelayMs</c> of its
/// configuration at the start, changed while it runs) and counts the delayed requests it is working on.
/// </summary>
internal static class OrdersApp
{
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var delay = TimeSpan.FromMilliseconds(builder.Configuration.GetValue("Orders:DelayMs", 0));
        builder.Services.AddSingleton(new Work { Delay = delay });
        var app = builder.Build();
        app.MapGet("/", () => "ok\n");
        app.MapGet("/orders", async (Work work, HttpContext context) =>
        {
            var delay = work.Delay;
            if (delay <= TimeSpan.Zero)
            {
                return "orders\n";
            }

            Interlocked.Increment(ref work.InFlight);
            try
            {
                await Task.Delay(delay, TimeProvider.System, context.RequestAborted);
                return "orders\n";
            }
            finally
            {
                Interlocked.Decrement(ref work.InFlight);
            }
        });
        return app;
    }

    /// <summary>How long <c>/orders</c> takes, and how many delayed ones (taking <see cref="Delay"/> as it was when they came) it is working on now.</summary>
    public sealed class Work
    {
        public int InFlight;
        private long _delayTicks;

        public TimeSpan Delay
        {
            get => TimeSpan.FromTicks(Volatile.Read(ref _delayTicks));
            set => Volatile.Write(ref _delayTicks, value.Ticks);
        }

        public int Working => Volatile.Read(ref InFlight);
    }
}
