using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Cli.Tests.Tool;

/// <summary>
/// The library packages, packed by <c>build/pack.sh</c> into a folder feed, carry what a user
/// checks on NuGet, and a fresh test project that references them (no project reference, nothing
/// of this repository's build settings) runs a resilience test with them. The pack
/// (<see cref="PackedLibraries"/>, shared with <see cref="FirstHourTests"/>) builds under its own
/// folder, with a version of its own, so neither the tree's output nor a cached package is
/// involved. About a minute on 2 cores; bounded at 20.
/// </summary>
[Collection(PackedLibrariesTests.Name)]
public sealed class LibraryPackageTests(PackedLibraries packed) : IDisposable
{
    private static readonly string[] Libraries =
        ["Ctraffic", "Ctraffic.Server", "Ctraffic.Testing", "Ctraffic.Testing.Containers", "Ctraffic.Testing.Xunit", "Ctraffic.Testing.NUnit",
         "Ctraffic.Testing.FluentAssertions", "Ctraffic.Testing.AwesomeAssertions"];

    private readonly string _dir = Directory.CreateTempSubdirectory("ctraffic-libs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void EveryLibraryHasItsPackageWithWhatNuGetShows()
    {
        // Given the libraries packed into a folder feed, with the version build/pack.sh gives every
        // pack (Directory.Build.props's with a time stamp, so no cached package ever shadows it)
        var feed = packed.Feed;
        var version = packed.Version;
        version.Should().MatchRegex(@"^\d+\.\d+\.\d+-local\.\d{14}$");

        // Then every library has its package and symbol package, with what NuGet shows
        foreach (var id in Libraries)
        {
            File.Exists(Path.Combine(feed, $"{id}.{version}.snupkg")).Should().BeTrue($"{id} has a symbol package");
            PackageChecks(Path.Combine(feed, $"{id}.{version}.nupkg"), id);
        }

        // ... and only the assertion packages bring an assertion library
        foreach (var id in Libraries)
        {
            var dependencies = Dependencies(Path.Combine(feed, $"{id}.{version}.nupkg"), id);
            var libraries = dependencies.Where(d => d is "FluentAssertions" or "AwesomeAssertions").ToList();
            var expected = id switch
            {
                "Ctraffic.Testing.FluentAssertions" => ["FluentAssertions"],
                "Ctraffic.Testing.AwesomeAssertions" => ["AwesomeAssertions"],
                _ => Array.Empty<string>(),
            };
            libraries.Should().Equal(expected, $"{id} depends on {(expected.Length == 0 ? "no assertion library" : expected[0])}");
        }
    }

    /// <summary>
    /// A new xUnit v3 test project outside the repository references Ctraffic.Testing.Xunit from the
    /// feed, and the assertion package of <paramref name="library"/> (none: plain <c>Assert</c>), and
    /// runs the server-restart example: the FluentAssertions example unchanged with either library.
    /// </summary>
    [Theory]
    [InlineData("FluentAssertions", "ServerRestartTests.cs")]
    [InlineData("AwesomeAssertions", "ServerRestartTests.cs")]
    [InlineData("", "ServerRestartPlainAssertTests.cs")]
    public async Task AFreshTestProjectRunsAResilienceTestWithThePackedLibraries(string library, string example)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Packing.Deadline);
        var ct = deadline.Token;
        var feed = packed.Feed;
        var version = packed.Version;

        // When a new xUnit v3 test project outside the repository references Ctraffic.Testing.Xunit
        // (and the assertion package) from that feed and holds the server-restart example
        var project = Directory.CreateDirectory(Path.Combine(_dir, "consumer")).FullName;
        Packing.WriteNuGetConfig(project, feed, withNuGetOrg: true);
        var assertions = library.Length == 0 ? "" : $"""
            <PackageReference Include="Ctraffic.Testing.{library}" Version="{version}" />
                <Using Include="{library}" />
            """;
        await File.WriteAllTextAsync(Path.Combine(project, "Consumer.Tests.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Exe</OutputType>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Ctraffic.Testing.Xunit" Version="{version}" />
                <PackageReference Include="xunit.v3" Version="{XunitVersion}" />
                {assertions}
              </ItemGroup>
              <ItemGroup>
                <Using Include="Xunit" />
              </ItemGroup>
            </Project>
            """, ct);
        var source = await File.ReadAllTextAsync(Path.Combine(Packing.Root, "examples", "Ctraffic.Examples.Xunit", example), ct);
        await File.WriteAllTextAsync(Path.Combine(project, example), source.Replace("namespace Ctraffic.Examples;", "namespace Consumer.Tests;", StringComparison.Ordinal), ct);

        var environment = Packing.OwnPackageFolder(_dir);
        var build = await ExternalCommand.RunAsync(Packing.Dotnet, ["build", "-c", "Release", "-nologo"], Packing.Deadline, ct, environment: environment, workingDirectory: project);
        build.Exit.Should().Be(0, build.Stdout + build.Stderr);

        // Then it built against the packages (not the repository's projects), with no assertion
        // library but the one asked for ...
        var output = Path.Combine(project, "bin", "Release", "net10.0");
        using (var deps = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "Consumer.Tests.deps.json"), ct)))
        {
            var libraries = deps.RootElement.GetProperty("libraries");
            libraries.GetProperty($"Ctraffic.Testing.Xunit/{version}").GetProperty("type").GetString().Should().Be("package");
            var names = libraries.EnumerateObject().Select(l => l.Name[..l.Name.IndexOf('/', StringComparison.Ordinal)]).ToList();
            names.Where(n => n is "FluentAssertions" or "AwesomeAssertions").Should().Equal(library.Length == 0 ? Array.Empty<string>() : [library]);
        }

        // ... and its test runs and passes
        var run = await ExternalCommand.RunAsync(Path.Combine(output, "Consumer.Tests"), [], TimeSpan.FromMinutes(2), ct, environment: environment, workingDirectory: project);
        run.Exit.Should().Be(0, run.Stdout + run.Stderr);
        run.Stdout.Should().Contain("Total: 1, Errors: 0, Failed: 0, Skipped: 0");
    }

    /// <summary>The xUnit v3 version of this repository (Directory.Packages.props), so that the consumer restores what is cached.</summary>
    private static string XunitVersion
        => XDocument.Load(Path.Combine(Packing.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == "xunit.v3").Attribute("Version")!.Value;

    /// <summary>The ids of the packages <paramref name="nupkg"/> depends on.</summary>
    private static List<string> Dependencies(string nupkg, string id)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        using var stream = zip.Entries.Single(e => e.FullName == id + ".nuspec").Open();
        var nuspec = XDocument.Load(stream);
        return nuspec.Descendants(nuspec.Root!.Name.Namespace + "dependency").Select(d => (string)d.Attribute("id")!).Distinct().ToList();
    }

    private static void PackageChecks(string nupkg, string id)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        XNamespace ns;
        XElement metadata;
        using (var stream = zip.Entries.Single(e => e.FullName == id + ".nuspec").Open())
        {
            var nuspec = XDocument.Load(stream);
            ns = nuspec.Root!.Name.Namespace;
            metadata = nuspec.Root.Element(ns + "metadata")!;
        }

        string Meta(string name) => (string?)metadata.Element(ns + name) ?? "";
        Meta("description").Should().NotBeNullOrWhiteSpace($"{id} has a description");
        Meta("readme").Should().Be("README.md");
        zip.GetEntry("README.md").Should().NotBeNull($"{id} holds its readme");
        metadata.Element(ns + "license")?.Attribute("type")?.Value.Should().Be("expression");
        Meta("license").Should().Be("Apache-2.0");
        Meta("tags").Should().Contain("resilience");
        var repository = metadata.Element(ns + "repository");
        repository.Should().NotBeNull($"{id} names its repository");
        repository!.Attribute("type")?.Value.Should().Be("git");
        repository.Attribute("commit")?.Value.Should().MatchRegex("^[0-9a-f]{40}$");

        var assembly = zip.Entries.Single(e => e.FullName.StartsWith("lib/net10.0/", StringComparison.Ordinal) && e.Name.EndsWith(".dll", StringComparison.Ordinal));
        zip.GetEntry(Path.ChangeExtension(assembly.FullName, ".xml")).Should().NotBeNull($"{id} holds its XML documentation");
    }
}
