using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Ctraffic.Testing.AspNetCore.Internal;

/// <summary>The port Kestrel got for the instance's endpoint on 127.0.0.1, from the server's addresses once it started.</summary>
internal static class BoundPort
{
    public static int Of(IServiceProvider services, string hostName)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Host == "127.0.0.1")
            {
                return uri.Port;
            }
        }

        throw new InvalidOperationException($"{hostName} started but does not listen on 127.0.0.1 (it listens on: {string.Join(", ", addresses)}); is its server Kestrel?");
    }
}
