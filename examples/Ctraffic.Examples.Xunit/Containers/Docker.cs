using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Ctraffic.Examples.Containers;

/// <summary>
/// What the container examples need: a Docker engine and the <c>ctraffic:local</c> image
/// (<c>bash build/image.sh</c>). On a machine that cannot pull images, Testcontainers needs its
/// reaper off and, for a Docker engine 20.10, API version 1.41.
/// </summary>
internal static class Docker
{
    public const string Image = "ctraffic:local";

    private static readonly Lazy<string?> Missing = new(FindMissing);

    /// <summary>Skips the example, saying why, when it cannot run here.</summary>
    public static void Require()
    {
        if (Missing.Value is { } why)
        {
            Assert.Skip($"needs a Docker engine and the {Image} image (bash build/image.sh): {why}");
        }
    }

    [ModuleInitializer]
    internal static void Configure()
    {
        foreach (var (name, value) in new[] { ("TESTCONTAINERS_RYUK_DISABLED", "true"), ("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1"), ("DOCKER_API_VERSION", "1.41") })
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    private static string? FindMissing()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", ["image", "inspect", Image]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            if (!docker.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                docker.Kill();
                return "the Docker engine did not answer within 20 s";
            }

            return docker.ExitCode == 0 ? null : docker.StandardError.ReadToEnd().Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "no docker command";
        }
    }
}
