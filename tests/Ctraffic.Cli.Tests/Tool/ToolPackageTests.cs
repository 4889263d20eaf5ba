using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Xml.Linq;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Cli.Tests.Tool;

/// <summary>
/// <c>dotnet tool install</c> from the packed tool gives the NativeAOT <c>ctraffic</c> on linux-x64,
/// and the framework-dependent <c>any</c> package where no native package fits. Slow (2-4 minutes
/// on 2 cores, mostly the NativeAOT compile of <c>build/pack.sh</c>, done once for both tests),
/// bounded at 20 minutes. Each install uses its own package cache, so a cached older 0.1.0 is never taken.
/// </summary>
public sealed class ToolPackageTests(ToolPackageTests.PackedTool tool) : IClassFixture<ToolPackageTests.PackedTool>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ctraffic-tool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task TheInstalledToolIsTheNativeAotBuildAndRuns()
    {
        SkipUnlessLinuxX64();
        var ct = TestContext.Current.CancellationToken;

        // Given the tool packed into a local folder feed, whose pointer package lists the NativeAOT
        // linux-x64 package and the framework-dependent fallback
        RidPackages(tool.PointerPackage).Should().BeEquivalentTo("linux-x64", "any");

        // When it is installed into a tool path from that feed alone
        var command = await InstallAsync(tool.Feed, ct);

        // Then `ctraffic` is a native executable with no managed assembly or runtime configuration beside it
        var target = new FileInfo(command).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? command;
        (await HeaderAsync(target, ct)).Should().Equal(0x7F, (byte)'E', (byte)'L', (byte)'F');
        var folder = Path.GetDirectoryName(target)!;
        Directory.GetFiles(folder, "ctraffic.dll").Should().BeEmpty("the NativeAOT build has no managed assembly");
        Directory.GetFiles(folder, "*.runtimeconfig.json").Should().BeEmpty();

        // And it prints its version and makes a short run against its in-process server
        await RunsAsync(command, ct);
    }

    [Fact]
    public async Task WhereNoNativePackageFitsTheFrameworkDependentFallbackIsInstalledAndRuns()
    {
        SkipUnlessLinuxX64();
        var ct = TestContext.Current.CancellationToken;

        // Given a feed whose pointer package has no package for this platform, as on a platform
        // without a NativeAOT build (linux-arm64, macOS, Windows), but the `any` fallback
        var feed = Directory.CreateDirectory(Path.Combine(_dir, "feed")).FullName;
        var pointer = Path.Combine(feed, Path.GetFileName(tool.PointerPackage));
        File.Copy(tool.PointerPackage, pointer);
        KeepOnlyRid(pointer, "any");
        File.Copy(tool.Fallback, Path.Combine(feed, Path.GetFileName(tool.Fallback)));
        RidPackages(pointer).Should().Equal("any");

        // When the tool is installed from it
        var command = await InstallAsync(feed, ct);

        // Then the command is the framework-dependent build (ctraffic.dll and its runtime configuration in the store) ...
        var store = Path.Combine(_dir, "tools", ".store");
        Directory.GetFiles(store, "ctraffic.dll", SearchOption.AllDirectories).Should().ContainSingle();
        Directory.GetFiles(store, "ctraffic.runtimeconfig.json", SearchOption.AllDirectories).Should().ContainSingle();

        // ... and it prints its version and makes a short run against its in-process server
        await RunsAsync(command, ct);
    }

    private static void SkipUnlessLinuxX64()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            Assert.Skip("the NativeAOT tool package is built for linux-x64");
        }
    }

    private async Task<string> InstallAsync(string feed, CancellationToken ct)
    {
        var config = Packing.WriteNuGetConfig(_dir, feed, withNuGetOrg: false);
        var tools = Path.Combine(_dir, "tools");
        var install = await ExternalCommand.RunAsync(
            Packing.Dotnet,
            ["tool", "install", "Ctraffic.Cli", "--tool-path", tools, "--configfile", config],
            Packing.Deadline,
            ct,
            environment: Packing.OwnPackageFolder(_dir),
            workingDirectory: _dir);
        install.Exit.Should().Be(0, install.Stdout + install.Stderr);
        return Path.Combine(tools, "ctraffic");
    }

    private static async Task RunsAsync(string command, CancellationToken ct)
    {
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

    private static async Task<byte[]> HeaderAsync(string path, CancellationToken ct)
    {
        var header = new byte[4];
        await using var file = File.OpenRead(path);
        await file.ReadExactlyAsync(header, ct);
        return header;
    }

    /// <summary>The RIDs of the packages the pointer package's DotnetToolSettings.xml names.</summary>
    private static string[] RidPackages(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        using var stream = zip.Entries.Single(e => e.Name == "DotnetToolSettings.xml").Open();
        return [.. RidEntries(XDocument.Load(stream)).Select(e => (string)e.Attribute("RuntimeIdentifier")!)];
    }

    /// <summary>Rewrites the pointer package so that its DotnetToolSettings.xml names <paramref name="rid"/> alone.</summary>
    private static void KeepOnlyRid(string nupkg, string rid)
    {
        using var zip = ZipFile.Open(nupkg, ZipArchiveMode.Update);
        var entry = zip.Entries.Single(e => e.Name == "DotnetToolSettings.xml");
        XDocument settings;
        using (var stream = entry.Open())
        {
            settings = XDocument.Load(stream);
        }

        RidEntries(settings).Where(e => (string?)e.Attribute("RuntimeIdentifier") != rid).Remove();
        var name = entry.FullName;
        entry.Delete();
        using var output = zip.CreateEntry(name).Open();
        settings.Save(output);
    }

    private static List<XElement> RidEntries(XDocument settings)
        => settings.Descendants().Where(e => e.Name.LocalName == "RuntimeIdentifierPackage").ToList();

    /// <summary>The three tool packages, packed once by <c>PACK_TOOL_ONLY=1 build/pack.sh</c> for the tests of the class.</summary>
    public sealed class PackedTool : IAsyncLifetime
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("ctraffic-toolfeed-").FullName;

        /// <summary>The folder feed holding the three packages.</summary>
        public string Feed => Path.Combine(_dir, "feed");

        /// <summary>The pointer package <c>dotnet tool install</c> reads.</summary>
        public string PointerPackage => Directory.GetFiles(Feed, "Ctraffic.Cli.0*.nupkg").Single();

        /// <summary>The framework-dependent package.</summary>
        public string Fallback => Directory.GetFiles(Feed, "Ctraffic.Cli.any.0*.nupkg").Single();

        public async ValueTask InitializeAsync()
        {
            if (OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64)
            {
                using var deadline = new CancellationTokenSource(Packing.Deadline);
                // The version of the command this test assembly references, which `-version` must print
                // (build/pack.sh would give the pack a version of its own).
                await Packing.PackAsync(Feed, new Dictionary<string, string?>
                {
                    ["PACK_TOOL_ONLY"] = "1",
                    ["PACK_VERSION"] = CtrafficCommand.Version,
                }, deadline.Token);
            }
        }

        public ValueTask DisposeAsync()
        {
            Directory.Delete(_dir, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
