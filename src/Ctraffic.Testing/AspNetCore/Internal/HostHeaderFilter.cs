using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Ctraffic.Testing.AspNetCore.Internal;

/// <summary>
/// Puts the instance's name in <paramref name="header"/> of every response, as the ctraffic HTTP
/// server does, so that the traffic knows which instance answered. A startup filter runs before the
/// app's own middleware; the header is set as the response starts, so that an error page that
/// clears the headers (the exception handler) still carries it.
/// </summary>
internal sealed class HostHeaderFilter(string header, string hostName) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Response.OnStarting(SetHeader, context);
            return nextMiddleware(context);
        });
        next(app);
    };

    private Task SetHeader(object state)
    {
        ((HttpContext)state).Response.Headers[header] = hostName;
        return Task.CompletedTask;
    }
}
