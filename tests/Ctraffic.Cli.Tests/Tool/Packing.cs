namespace Ctraffic.Cli.Tests.Tool;

/// <summary>What the packaging tests share: the repository root, <c>build/pack.sh</c>, and a NuGet configuration naming a folder feed.</summary>
internal static class Packing
{
    /// <summary>How long a pack, an install or a build of a consumer may take (12 minutes were seen with a load average of 30).</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(20);

    /// <summary>The repository root.</summary>
    public static string Root => Repository.Root;

    /// <summary>The dotnet host on PATH.</summary>
    public static string Dotnet => ExternalCommand.Find("dotnet") ?? throw new InvalidOperationException("dotnet is not on PATH");

    /// <summary>Runs <c>build/pack.sh FEED</c> with <paramref name="environment"/> and fails with its output when it fails.</summary>
    public static async Task PackAsync(string feed, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        var pack = await ExternalCommand.RunAsync("bash", [Path.Combine(Root, "build", "pack.sh"), feed], Deadline, cancellationToken, environment: environment);
        if (pack.Exit != 0)
        {
            throw new InvalidOperationException($"build/pack.sh exited with {pack.Exit}:\n{pack.Stdout}{pack.Stderr}");
        }
    }

    /// <summary>
    /// Writes a nuget.config whose only source for <c>Ctraffic*</c> packages is <paramref name="feed"/>;
    /// other packages come from nuget.org when <paramref name="withNuGetOrg"/>, found first in the
    /// machine's package cache (read-only), so a restore needs no download for what the repository restored.
    /// </summary>
    public static string WriteNuGetConfig(string folder, string feed, bool withNuGetOrg)
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var nugetOrg = withNuGetOrg ? """<add key="nuget.org" value="https://api.nuget.org/v3/index.json" />""" : "";
        var mapping = withNuGetOrg
            ? """<packageSourceMapping><packageSource key="local"><package pattern="Ctraffic*" /></packageSource><packageSource key="nuget.org"><package pattern="*" /></packageSource></packageSourceMapping>"""
            : "";
        var fallback = withNuGetOrg && Directory.Exists(cache)
            ? $"""<fallbackPackageFolders><add key="cache" value="{cache}" /></fallbackPackageFolders>"""
            : "";
        var config = Path.Combine(folder, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><clear /><add key="local" value="{feed}" />{nugetOrg}</packageSources>
              {mapping}
              {fallback}
            </configuration>
            """);
        return config;
    }

    /// <summary>The environment of a restore with its own package folder (a cached older package is never taken).</summary>
    public static Dictionary<string, string?> OwnPackageFolder(string folder) => new()
    {
        ["NUGET_PACKAGES"] = Path.Combine(folder, "packages"),
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };
}
