using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Ctraffic.Tests.Client.Http;

/// <summary>A Kestrel app made by a test: one request delegate on a free port of 127.0.0.1.</summary>
internal sealed class TestKestrel : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestKestrel(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The address as <c>host:port</c>.</summary>
    public string Address { get; }

    public static async Task<TestKestrel> StartAsync(HttpProtocols protocols, RequestDelegate answer, int port = 0)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port, l => l.Protocols = protocols);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        app.Run(answer);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new TestKestrel(app, $"127.0.0.1:{bound.Port}");
    }

    /// <summary>Answers <c>200 ok</c> with <paramref name="host"/> in the ctraffic-host header.</summary>
    public static Task OkAsync(HttpContext context, string host = "kestrel-1")
    {
        context.Response.Headers["ctraffic-host"] = host;
        return context.Response.WriteAsync("ok", context.RequestAborted);
    }

    public async Task StopAsync(TimeSpan grace)
    {
        using var timeout = new CancellationTokenSource(grace);
        await _app.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(1));
        await _app.DisposeAsync();
    }
}
