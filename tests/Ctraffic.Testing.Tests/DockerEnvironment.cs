using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Ctraffic.Testing.Tests;

/// <summary>Whether container tests can run here, and the Testcontainers settings for a machine that cannot pull images.</summary>
internal static class DockerEnvironment
{
    public const string Image = "ctraffic:local";

    private static readonly Lazy<string?> Missing = new(FindMissing);

    /// <summary>Why container tests cannot run, or <see langword="null"/> if they can.</summary>
    public static string? WhyNot => Missing.Value;

    /// <summary>Skips the test, saying why, where container tests cannot run.</summary>
    public static void Require()
    {
        if (WhyNot is { } why)
        {
            Assert.Skip($"needs Docker and the {Image} image: {why}");
        }
    }

    [ModuleInitializer]
    internal static void Configure()
    {
        // No image can be pulled here: no Ryuk reaper; talk to the engine at a version it knows.
        SetDefault("TESTCONTAINERS_RYUK_DISABLED", "true");
        SetDefault("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1");
        SetDefault("DOCKER_API_VERSION", "1.41");
    }

    private static void SetDefault(string name, string value)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    private static string? FindMissing()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("docker", ["image", "inspect", "--format", "{{.Id}}", Image])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            if (!p.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                p.Kill();
                return "the Docker engine did not answer within 20 s";
            }

            var error = p.StandardError.ReadToEnd();
            return p.ExitCode == 0
                ? null
                : error.Contains("No such image", StringComparison.OrdinalIgnoreCase)
                    ? $"the image {Image} is not built (run build/image.sh)"
                    : $"no Docker engine: {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "no docker command on this machine";
        }
    }
}
