namespace Ctraffic.Cli.Tests.Tool;

/// <summary>
/// The library packages and the project templates, packed once by <c>PACK_LIBRARIES_ONLY=1 build/pack.sh</c>
/// for the tests of the <see cref="PackedLibrariesTests"/>, built under a folder of their own
/// (the tree's bin/ and obj/ stay as they are) with the version pack.sh gives every pack by default.
/// </summary>
public sealed class PackedLibraries : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ctraffic-libfeed-").FullName;

    /// <summary>The folder feed.</summary>
    public string Feed => Path.Combine(_dir, "feed");

    /// <summary>The version of every package in <see cref="Feed"/> (one pack, one version).</summary>
    public string Version { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        using var deadline = new CancellationTokenSource(Packing.Deadline);
        await Packing.PackAsync(Feed, new Dictionary<string, string?>
        {
            ["PACK_LIBRARIES_ONLY"] = "1",
            ["PACK_VERSION"] = "", // not inherited: the default of build/pack.sh
            ["PACK_ARTIFACTS"] = Path.Combine(_dir, "artifacts"),
        }, deadline.Token);
        const string Prefix = "Ctraffic.Templates.";
        var templates = Path.GetFileNameWithoutExtension(Directory.GetFiles(Feed, Prefix + "*.nupkg").Single());
        Version = templates[Prefix.Length..];
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The tests that share one pack of the libraries (<see cref="PackedLibraries"/>); they run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class PackedLibrariesTests : ICollectionFixture<PackedLibraries>
{
    public const string Name = "packed libraries";
}
