using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Cli.Tests.Tool;

/// <summary>
/// <c>dotnet tool install</c> from the packed tool gives the NativeAOT <c>ctraffic</c> on linux-x64.
/// Slow (2-4 minutes on 2 cores, mostly the NativeAOT compile of <c>build/pack.sh</c>): one test,
/// bounded at 20 minutes (12 minutes were seen with a load average of 30). The install uses its own package cache, so a cached older 0.1.0 is never taken.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("ctraffic-tool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "build", "pack.sh")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("build/pack.sh not found above " + AppContext.BaseDirectory);
        }
    }

    [Fact]
    public async Task TheInstalledToolIsTheNativeAotBuildAndRuns()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Skip("the NativeAOT tool package is built for linux-x64");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Deadline);
        var ct = deadline.Token;
        var dotnet = ExternalCommand.Find("dotnet") ?? throw new InvalidOperationException("dotnet is not on PATH");

        // Given the tool packed into a local folder feed, and a NuGet configuration with that feed only
        var feed = Path.Combine(_dir, "feed");
        var pack = await ExternalCommand.RunAsync("bash", [Path.Combine(Root, "build", "pack.sh"), feed], Deadline, ct, environment: new Dictionary<string, string?> { ["PACK_TOOL_ONLY"] = "1" });
        pack.Exit.Should().Be(0, pack.Stdout + pack.Stderr);
        var config = Path.Combine(_dir, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{feed}" /></packageSources></configuration>
            """, ct);

        // Then the pointer package lists the NativeAOT linux-x64 package and the framework-dependent fallback
        RidPackages(Directory.GetFiles(feed, "Ctraffic.Cli.0*.nupkg").Single()).Should().BeEquivalentTo("linux-x64", "any");

        // When it is installed into a tool path
        var tools = Path.Combine(_dir, "tools");
        var install = await ExternalCommand.RunAsync(
            dotnet,
            ["tool", "install", "Ctraffic.Cli", "--tool-path", tools, "--configfile", config],
            Deadline,
            ct,
            environment: new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(_dir, "packages"), ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
            workingDirectory: _dir);
        install.Exit.Should().Be(0, install.Stdout + install.Stderr);

        // Then `ctraffic` is a native executable with no managed assembly or runtime configuration beside it
        var command = Path.Combine(tools, "ctraffic");
        var target = new FileInfo(command).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? command;
        var header = new byte[4];
        await using (var file = File.OpenRead(target))
        {
            await file.ReadExactlyAsync(header, ct);
        }

        header.Should().Equal(0x7F, (byte)'E', (byte)'L', (byte)'F');
        var folder = Path.GetDirectoryName(target)!;
        Directory.GetFiles(folder, "ctraffic.dll").Should().BeEmpty("the NativeAOT build has no managed assembly");
        Directory.GetFiles(folder, "*.runtimeconfig.json").Should().BeEmpty();

        // And it prints its version and makes a short run against its in-process server
        var version = await ExternalCommand.RunAsync(command, ["-version"], TimeSpan.FromMinutes(1), ct);
        version.Exit.Should().Be(0, version.Stderr);
        version.Stdout.Trim().Should().Be(CtrafficCommand.Version);
        var run = await ExternalCommand.RunAsync(command, ["-local", "-nconn", "5", "-rate", "20", "-timeout", "2s"], TimeSpan.FromMinutes(1), ct);
        run.Exit.Should().Be(0, run.Stderr);
        using var stats = JsonDocument.Parse(run.Stdout);
        stats.RootElement.GetProperty("Connections").GetInt32().Should().Be(5);
        stats.RootElement.GetProperty("FailedConnections").GetInt64().Should().Be(0);
        stats.RootElement.GetProperty("Received").GetInt64().Should().BePositive();
    }

    /// <summary>The RIDs of the packages the pointer package's DotnetToolSettings.xml names.</summary>
    private static string[] RidPackages(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var settings = zip.Entries.Single(e => e.Name == "DotnetToolSettings.xml");
        using var stream = settings.Open();
        return [.. XDocument.Load(stream).Descendants().Where(e => e.Name.LocalName == "RuntimeIdentifierPackage").Select(e => (string)e.Attribute("RuntimeIdentifier")!)];
    }
}
