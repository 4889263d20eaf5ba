using System.Xml.Linq;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Cli.Tests.Tool;

/// <summary>
/// The first hour of a new user, as README.md's "Use it in your tests" tells it, from a clean home
/// folder: the packages packed into <c>~/ctraffic-feed</c>, <c>dotnet new install Ctraffic.Templates</c>
/// from that feed, <c>dotnet new ctraffic-xunit</c> (or <c>ctraffic-nunit</c>), and <c>dotnet test</c>,
/// whose first test passes. HOME is a temporary folder, so the template hive, the NuGet
/// configuration and the package folder are the test's own and the machine is left as it was.
/// One to two minutes a template after the pack (<see cref="PackedLibraries"/>) on a busy 2-core
/// machine, 9-17 minutes for the class with the pack (17 at a load average of 35); each test is bounded at 20 minutes, and so is the pack.
/// </summary>
[Collection(PackedLibrariesTests.Name)]
public sealed class FirstHourTests(PackedLibraries packed) : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("ctraffic-firsthour-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Theory]
    [InlineData("ctraffic-xunit", "Ctraffic.Testing.Xunit")]
    [InlineData("ctraffic-nunit", "Ctraffic.Testing.NUnit")]
    public async Task ANewUserGoesFromThePackedFeedToAPassingFirstTestWithTheTemplate(string template, string package)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Packing.Deadline);
        var ct = deadline.Token;
        var environment = HomeEnvironment();

        // Given the packages packed into ~/ctraffic-feed (`bash build/pack.sh ~/ctraffic-feed`)
        var feed = Directory.CreateDirectory(Path.Combine(_home, "ctraffic-feed")).FullName;
        foreach (var nupkg in Directory.GetFiles(packed.Feed, "*.nupkg"))
        {
            File.Copy(nupkg, Path.Combine(feed, Path.GetFileName(nupkg)));
        }

        WriteMachineCacheAsFallback();

        // When the templates are installed from it ...
        var install = await DotnetAsync(["new", "install", "Ctraffic.Templates", "--add-source", feed], _home, environment, ct);
        install.Should().Contain($"Ctraffic.Templates@{packed.Version}").And.Contain(template);

        // ... a project is made with the template, with no option ...
        var work = Directory.CreateDirectory(Path.Combine(_home, "work")).FullName;
        await DotnetAsync(["new", template, "-n", "MyTests"], work, environment, ct);
        var project = Path.Combine(work, "MyTests");
        Directory.GetFiles(project).Select(Path.GetFileName).Should()
            .BeEquivalentTo("MyTests.csproj", "FirstTests.cs", "nuget.config", "global.json");
        TemplatePackageVersionsAreTheRepositorys(Path.Combine(project, "MyTests.csproj"));

        // ... and its tests are run
        var test = await DotnetAsync(["test"], project, environment, ct);

        // Then the first test passed, with the package just packed (the newest in the feed)
        test.Should().Contain("succeeded: 1").And.Contain("failed: 0");
        var assets = await File.ReadAllTextAsync(Path.Combine(project, "obj", "project.assets.json"), ct);
        assets.Should().Contain($"\"{package}/{packed.Version}\"").And.Contain($"\"Ctraffic.Testing.FluentAssertions/{packed.Version}\"");
    }

    /// <summary>HOME (and so the template hive, NuGet's user configuration and package folder) in the test's folder.</summary>
    private Dictionary<string, string?> HomeEnvironment() => new()
    {
        ["HOME"] = _home,
        ["DOTNET_CLI_HOME"] = _home,
        ["NUGET_PACKAGES"] = Path.Combine(_home, ".nuget", "packages"),
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    /// <summary>
    /// A nuget.config in the home folder, above the project, whose only setting is the machine's
    /// package cache as a read-only fallback: what the repository restored (xUnit, NUnit,
    /// FluentAssertions, the Testing Platform) is not downloaded again. The project's own files stay
    /// as the template made them.
    /// </summary>
    private void WriteMachineCacheAsFallback()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var fallback = Directory.Exists(cache) ? $"""<fallbackPackageFolders><add key="machine" value="{cache}" /></fallbackPackageFolders>""" : "";
        File.WriteAllText(Path.Combine(_home, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>{fallback}</configuration>
            """);
    }

    /// <summary>The template's package versions are those of Directory.Packages.props, so they are the ones the repository is tested with.</summary>
    private static void TemplatePackageVersionsAreTheRepositorys(string csproj)
    {
        var repository = XDocument.Load(Path.Combine(Packing.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);
        foreach (var reference in XDocument.Load(csproj).Descendants("PackageReference"))
        {
            var id = (string)reference.Attribute("Include")!;
            var version = (string)reference.Attribute("Version")!;
            if (id.StartsWith("Ctraffic", StringComparison.Ordinal))
            {
                version.Should().Be("0.1.0-*", "the template takes the newest Ctraffic build of the feed");
            }
            else
            {
                repository.Should().ContainKey(id).WhoseValue.Should().Be(version, $"the template's {id} is the repository's");
            }
        }
    }

    private static async Task<string> DotnetAsync(string[] args, string workingDirectory, Dictionary<string, string?> environment, CancellationToken ct)
    {
        var run = await ExternalCommand.RunAsync(Packing.Dotnet, args, Packing.Deadline, ct, environment: environment, workingDirectory: workingDirectory);
        run.Exit.Should().Be(0, $"dotnet {string.Join(' ', args)} succeeds:\n{run.Stdout}{run.Stderr}");
        return run.Stdout;
    }
}
