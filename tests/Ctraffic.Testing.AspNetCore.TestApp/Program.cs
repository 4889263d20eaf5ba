// A web app as its authors write it, started by the tests through WebApplicationFactory<Program>:
// GET / answers at once; GET /orders takes Orders:DelayMs of its configuration (0 by default).
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
var delay = TimeSpan.FromMilliseconds(app.Configuration.GetValue("Orders:DelayMs", 0));
app.MapGet("/", () => "ok\n");
app.MapGet("/orders", async (CancellationToken aborted) =>
{
    await Task.Delay(delay, TimeProvider.System, aborted);
    return "orders\n";
});
app.Run();

/// <summary>The entry point, public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
