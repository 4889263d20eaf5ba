namespace Ctraffic.Cli.Tests;

/// <summary>The repository the tests run from, found by walking up from the test assembly to the folder holding <c>Ctraffic.sln</c>.</summary>
internal static class Repository
{
    /// <summary>The repository's root folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path below the root.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Ctraffic.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Ctraffic.sln not found above " + AppContext.BaseDirectory);
    }
}
